// Ownership transfer and the public pool (docs/relationship-api.md): transfer
// moves the old owner's open tasks, validation leaves everything as it was,
// release/claim/assign with limits, pool rules with If-Match, pool settings.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer } from '../lib/api-helpers.mjs';

let env, admin, rep1, rep2, boss, other, analyst;

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'boss', role: 'manager', team: 'east' },
      { login: 'rep1', role: 'sales', team: 'east' },
      { login: 'rep2', role: 'sales', team: 'east' },
      { login: 'other', role: 'sales', team: 'west' },
      { login: 'gone', role: 'sales', team: 'east' },
      { login: 'ana', role: 'analyst' },
    ],
  });
  admin = env.as('admin');
  rep1 = env.as('rep1');
  rep2 = env.as('rep2');
  boss = env.as('boss');
  other = env.as('other');
  analyst = env.as('ana');
  const u = await admin('GET', `/api/v1/users/${env.ids.gone}`);
  const d = await admin('PATCH', `/api/v1/users/${env.ids.gone}`, { disabled: true }, { 'if-match': `"${u.json.version}"` });
  assert.equal(d.status, 200, d.text);
});
after(async () => { await env?.stop(); });

const day = (offset) => new Date(Date.now() + 8 * 3600 * 1000 + offset * 86400 * 1000).toISOString().slice(0, 10);

describe('transfer', () => {
  test('moves the customer and the old owner\'s open tasks; history records it', async () => {
    const c = await createCustomer(rep1, { name: '转移测试甲' });
    const t = await rep1('POST', '/api/v1/tasks', { customer_id: c.id, title: '回访', due_day: day(2) });
    assert.equal(t.status, 201, t.text);
    const r = await boss('POST', '/api/v1/customers/transfer', { customer_ids: [c.id], to_user_id: env.ids.rep2, note: '调岗' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { transferred: 1, tasks_moved: 1, opportunities_moved: 0 });
    assert.equal((await rep2('GET', `/api/v1/customers/${c.id}`)).json.owner_user_id, env.ids.rep2);
    assert.equal((await rep2('GET', `/api/v1/tasks/${t.json.id}`)).json.assignee_user_id, env.ids.rep2);
    assertProblem(await rep1('GET', `/api/v1/customers/${c.id}`), 404);
    const h = await rep2('GET', `/api/v1/customers/${c.id}/owner-history`);
    assert.equal(h.status, 200, h.text);
    assert.equal(h.json.items.length, 1);
    assert.equal(h.json.items[0].reason, 'transfer');
    assert.equal(h.json.items[0].from_user_id, env.ids.rep1);
    assert.equal(h.json.items[0].to_user_id, env.ids.rep2);
    assert.equal(h.json.items[0].note, '调岗');
    assert.equal(h.json.items[0].tasks_moved, 1);
  });

  test('a disabled or unknown user is 422 to_user_id; nothing moves', async () => {
    const c = await createCustomer(rep1, { name: '转移测试乙' });
    assertProblem(await boss('POST', '/api/v1/customers/transfer', { customer_ids: [c.id], to_user_id: env.ids.gone }), 422, 'to_user_id');
    assertProblem(await admin('POST', '/api/v1/customers/transfer', { customer_ids: [c.id], to_user_id: 999999 }), 422, 'to_user_id');
    assert.equal((await rep1('GET', `/api/v1/customers/${c.id}`)).json.owner_user_id, env.ids.rep1);
  });

  test('an invisible customer is 404 and nothing moves; empty or too many ids are 422', async () => {
    const mine = await createCustomer(rep1, { name: '转移测试丙' });
    const theirs = await createCustomer(other, { name: '转移测试丁' });
    assertProblem(await boss('POST', '/api/v1/customers/transfer', { customer_ids: [mine.id, theirs.id], to_user_id: env.ids.rep2 }), 404);
    assert.equal((await rep1('GET', `/api/v1/customers/${mine.id}`)).json.owner_user_id, env.ids.rep1);
    assertProblem(await boss('POST', '/api/v1/customers/transfer', { customer_ids: [], to_user_id: env.ids.rep2 }), 422, 'customer_ids');
    const many = Array.from({ length: 1001 }, (_, i) => i + 1);
    assertProblem(await admin('POST', '/api/v1/customers/transfer', { customer_ids: many, to_user_id: env.ids.rep2 }), 422, 'customer_ids');
    assertProblem(await boss('POST', '/api/v1/customers/transfer', { customer_ids: [mine.id], to_user_id: env.ids.other }), 403);
    assertProblem(await rep1('POST', '/api/v1/customers/transfer', { customer_ids: [mine.id], to_user_id: env.ids.rep2 }), 403);
    assertProblem(await boss('POST', '/api/v1/customers/transfer', { customer_ids: [mine.id], to_user_id: env.ids.rep2, extra: 1 }), 422, 'extra');
  });
});

describe('pool', () => {
  test('release, list, claim (one winner), history', async () => {
    const c = await createCustomer(rep1, { name: '公海测试甲' });
    const rel = await rep1('POST', '/api/v1/pool/release', { customer_ids: [c.id], note: '无意向' });
    assert.equal(rel.status, 200, rel.text);
    assert.equal(rel.json.transferred, 1);
    const list = await other('GET', '/api/v1/pool?q=公海测试甲');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((x) => x.id), [c.id]);
    assert.equal(list.json.holding.limit, 100);
    assert.equal(typeof list.json.holding.held, 'number');
    const [a, b] = await Promise.all([
      rep2('POST', '/api/v1/pool/claim', { customer_ids: [c.id] }),
      other('POST', '/api/v1/pool/claim', { customer_ids: [c.id] }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409], `${a.text} ${b.text}`);
    const winner = a.status === 200 ? env.ids.rep2 : env.ids.other;
    const h = await admin('GET', `/api/v1/customers/${c.id}/owner-history`);
    assert.deepEqual(h.json.items.map((x) => x.reason), ['claim', 'release']);
    assert.equal(h.json.items[0].to_user_id, winner);
    assert.equal((await other('GET', '/api/v1/pool?q=公海测试甲')).json.items.length, 0);
  });

  test('claim limit per role from pool-settings', async () => {
    assertProblem(await rep1('PUT', '/api/v1/pool-settings', { claim_limits: { sales: 1 } }), 403);
    assertProblem(await admin('PUT', '/api/v1/pool-settings', { claim_limits: { sales: 'x' } }), 422, 'claim_limits/sales');
    const s = await admin('PUT', '/api/v1/pool-settings', { claim_limits: { sales: 0 } });
    assert.equal(s.status, 200, s.text);
    assert.deepEqual(s.json.claim_limits, { admin: null, manager: 300, sales: 0 });
    const c = await createCustomer(admin, { name: '公海测试乙', owner_user_id: null });
    const r = await rep1('POST', '/api/v1/pool/claim', { customer_ids: [c.id] });
    assertProblem(r, 409, 'customer_ids');
    assert.match(r.json.detail, /limit/);
    const g = await rep1('GET', '/api/v1/pool-settings');
    assert.deepEqual(g.json.claim_limits.sales, 0);
    assert.equal((await admin('PUT', '/api/v1/pool-settings', { claim_limits: { sales: 100 } })).status, 200);
  });

  test('assign: manager to a team member, not outside the team; sales may not', async () => {
    const c1 = await createCustomer(admin, { name: '公海测试丙', owner_user_id: null });
    const c2 = await createCustomer(admin, { name: '公海测试丁', owner_user_id: null });
    assertProblem(await rep1('POST', '/api/v1/pool/assign', { customer_ids: [c1.id], user_id: env.ids.rep1 }), 403);
    assertProblem(await boss('POST', '/api/v1/pool/assign', { customer_ids: [c1.id], user_id: env.ids.other }), 403);
    assertProblem(await boss('POST', '/api/v1/pool/assign', { customer_ids: [c1.id], user_id: env.ids.gone }), 422, 'user_id');
    const r = await boss('POST', '/api/v1/pool/assign', { customer_ids: [c1.id, c2.id], user_id: env.ids.rep2 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.transferred, 2);
    assertProblem(await boss('POST', '/api/v1/pool/assign', { customer_ids: [c1.id], user_id: env.ids.rep1 }), 409);
    const h = await rep2('GET', `/api/v1/customers/${c1.id}/owner-history`);
    assert.equal(h.json.items[0].reason, 'assign');
    assert.equal(h.json.items[0].user_id, env.ids.boss);
  });
});

describe('pool rules', () => {
  test('CRUD with validation and If-Match; managers read, admins change', async () => {
    assertProblem(await admin('POST', '/api/v1/pool-rules', { name: '无效' }), 422, 'no_follow_up_days');
    assertProblem(await admin('POST', '/api/v1/pool-rules', { name: '无效', class_kind: 'tier', class_value: 'nope', no_deal_days: 10 }), 422, 'class_value');
    assertProblem(await boss('POST', '/api/v1/pool-rules', { name: '默认', no_follow_up_days: 30 }), 403);
    const c = await admin('POST', '/api/v1/pool-rules', { name: '默认', no_follow_up_days: 30, no_deal_days: 90, warn_days: 3, position: 1 });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.headers.get('etag'), '"1"');
    assert.equal(c.json.class_kind, 'all');
    assert.equal(c.json.enabled, true);
    const list = await boss('GET', '/api/v1/pool-rules');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items.map((x) => x.id), [c.json.id]);
    assertProblem(await rep1('GET', '/api/v1/pool-rules'), 403);
    assertProblem(await analyst('GET', '/api/v1/pool-rules'), 403);
    const body = { name: '要客', class_kind: 'tag', class_value: 'vip', no_follow_up_days: 60, no_deal_days: null, warn_days: 5, position: 1, enabled: true };
    assertProblem(await admin('PUT', `/api/v1/pool-rules/${c.json.id}`, body), 428);
    assertProblem(await admin('PUT', `/api/v1/pool-rules/${c.json.id}`, body, { 'if-match': '"7"' }), 409);
    const u = await admin('PUT', `/api/v1/pool-rules/${c.json.id}`, body, { 'if-match': '"1"' });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.version, 2);
    assert.equal(u.json.no_deal_days, null);
    assertProblem(await admin('DELETE', `/api/v1/pool-rules/${c.json.id}`, undefined, { 'if-match': '"1"' }), 409);
    const d = await admin('DELETE', `/api/v1/pool-rules/${c.json.id}`, undefined, { 'if-match': '"2"' });
    assert.equal(d.status, 204, d.text);
    assertProblem(await admin('DELETE', `/api/v1/pool-rules/${c.json.id}`, undefined, { 'if-match': '"2"' }), 404);
  });
});
