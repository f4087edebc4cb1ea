// The audit log: one row per change, with who, what, and before/after images.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, listAll, q, login, PASSWORD } from '../lib/api-helpers.mjs';

let env, admin, rep;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }, { login: 'rep', role: 'sales', team: '华东' }, { login: 'svc', role: 'service' }] });
  admin = env.as('boss');
  rep = env.as('rep');
});
after(async () => { await env?.stop(); });

const auditFor = async (entity, id) => {
  const r = await admin('GET', `/api/v1/audit?${q({ entity, entity_id: String(id), limit: 200 })}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.next, null);
  return r.json.items; // newest first
};
const allAudit = async () => (await listAll(admin, '/api/v1/audit', { limit: 200 })).items;

describe('customer audit trail', () => {
  let c;
  test('create writes one row: user_login, entity, entity_id, action, after (no before)', async () => {
    c = await createCustomer(rep, { name: '审计测试公司', province: '江苏省' });
    const rows = await auditFor('customer', c.id);
    assert.equal(rows.length, 1);
    const [a] = rows;
    assert.equal(a.user_login, 'rep');
    assert.equal(a.user_id, env.ids.rep);
    assert.equal(a.entity, 'customer');
    assert.equal(a.entity_id, c.id);
    assert.equal(a.action, 'create');
    assert.equal(a.before, null);
    assert.equal(a.after.name, '审计测试公司');
    assert.equal(a.after.province, '江苏省');
    assert.equal(a.after.version, 1);
    assert.match(a.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(typeof a.id, 'number');
  });

  test('update writes one row with before and after; after.name is the new name', async () => {
    const r = await rep('PATCH', `/api/v1/customers/${c.id}`, { name: '审计测试公司（新）' }, { 'if-match': '"1"' });
    assert.equal(r.status, 200);
    const rows = await auditFor('customer', c.id);
    assert.equal(rows.length, 2);
    const [u] = rows;
    assert.equal(u.action, 'update');
    assert.equal(u.user_login, 'rep');
    assert.equal(u.entity_id, c.id);
    assert.equal(u.before.name, '审计测试公司');
    assert.equal(u.before.version, 1);
    assert.equal(u.after.name, '审计测试公司（新）');
    assert.equal(u.after.version, 2);
    assert.equal(u.after.province, '江苏省');
  });

  test('failed changes write nothing (409, 428, 422, 403, 404)', async () => {
    const total = (await allAudit()).length;
    assertProblem(await rep('PATCH', `/api/v1/customers/${c.id}`, { name: '过期' }, { 'if-match': '"1"' }), 409);
    assertProblem(await rep('PATCH', `/api/v1/customers/${c.id}`, { name: '没版本' }), 428);
    assertProblem(await rep('PATCH', `/api/v1/customers/${c.id}`, { name: '' }, { 'if-match': '"2"' }), 422);
    assertProblem(await rep('DELETE', `/api/v1/customers/${c.id}`), 403);
    assertProblem(await env.as('svc')('PATCH', `/api/v1/customers/${c.id}`, { name: '客服' }, { 'if-match': '"2"' }), 403);
    assertProblem(await env.as('svc')('POST', '/api/v1/customers', { kind: 'organization', name: '客服新建' }), 403);
    assertProblem(await rep('POST', '/api/v1/customers', { kind: 'organization', name: '' }), 422);
    assertProblem(await admin('DELETE', '/api/v1/customers/999999'), 404);
    assert.equal((await allAudit()).length, total);
  });

  test('archive and restore write one row each', async () => {
    assert.equal((await rep('POST', `/api/v1/customers/${c.id}/archive`)).status, 200);
    assert.equal((await rep('POST', `/api/v1/customers/${c.id}/archive`)).status, 200, 'no-op, no row');
    assert.equal((await rep('POST', `/api/v1/customers/${c.id}/restore`)).status, 200);
    const rows = await auditFor('customer', c.id);
    assert.deepEqual(rows.map((r) => r.action), ['restore', 'archive', 'update', 'create']);
    assert.equal(rows[1].before.archived, false);
    assert.equal(rows[1].after.archived, true);
    assert.equal(rows[0].before.archived, true);
    assert.equal(rows[0].after.archived, false);
    assert.ok(rows.every((r) => r.user_login === 'rep'));
  });

  test('delete writes one row with the before image and no after', async () => {
    assert.equal((await admin('DELETE', `/api/v1/customers/${c.id}`)).status, 204);
    const rows = await auditFor('customer', c.id);
    assert.deepEqual(rows.map((r) => r.action), ['delete', 'restore', 'archive', 'update', 'create']);
    const [d] = rows;
    assert.equal(d.user_login, 'boss');
    assert.equal(d.entity_id, c.id);
    assert.equal(d.before.name, '审计测试公司（新）');
    assert.equal(d.after, null);
    // Row ids increase with time; the list is newest first.
    const ids = rows.map((r) => r.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a));
  });
});

describe('other entities', () => {
  test('contact create/update/delete are audited', async () => {
    const c = await createCustomer(admin, { name: '联系人审计' });
    const ct = await admin('POST', '/api/v1/contacts', { customer_id: c.id, name: '王五', phone: '13900001111' });
    assert.equal(ct.status, 201);
    assert.equal((await admin('PATCH', `/api/v1/contacts/${ct.json.id}`, { name: '王五五' }, { 'if-match': '"1"' })).status, 200);
    assert.equal((await admin('DELETE', `/api/v1/contacts/${ct.json.id}`)).status, 204);
    const rows = await auditFor('contact', ct.json.id);
    assert.deepEqual(rows.map((r) => r.action), ['delete', 'update', 'create']);
    assert.equal(rows[2].after.name, '王五');
    assert.equal(rows[2].after.phone, '+8613900001111');
    assert.equal(rows[2].after.customer_id, c.id);
    assert.equal(rows[1].before.name, '王五');
    assert.equal(rows[1].after.name, '王五五');
    assert.equal(rows[0].before.name, '王五五');
    assert.equal(rows[0].after, null);
    assert.ok(rows.every((r) => r.user_login === 'boss' && r.entity === 'contact'));
  });

  test('users, teams and tokens are audited, without secrets', async () => {
    const t = await admin('POST', '/api/v1/teams', { name: '审计团队' });
    assert.equal(t.status, 201);
    const teamRows = await auditFor('team', t.json.id);
    assert.equal(teamRows.length, 1);
    assert.equal(teamRows[0].action, 'create');
    assert.equal(teamRows[0].after.name, '审计团队');

    const u = await admin('POST', '/api/v1/users', { login: 'audited', role: 'service', password: PASSWORD });
    assert.equal(u.status, 201);
    const userRows = await auditFor('user', u.json.id);
    assert.equal(userRows.length, 1);
    assert.equal(userRows[0].action, 'create');
    assert.equal(userRows[0].after.login, 'audited');
    const raw = await admin('GET', `/api/v1/audit?${q({ entity: 'user', entity_id: String(u.json.id) })}`);
    assert.ok(!raw.text.includes('argon2') && !raw.text.includes(PASSWORD), 'no password or hash in the audit log');

    const tok = await rep('POST', '/api/v1/tokens', { name: '审计令牌' });
    assert.equal(tok.status, 201);
    assert.equal((await rep('DELETE', `/api/v1/tokens/${tok.json.id}`)).status, 204);
    const tokRows = await auditFor('token', tok.json.id);
    assert.deepEqual(tokRows.map((r) => r.action), ['revoke', 'create']);
    assert.ok(tokRows.every((r) => r.user_login === 'rep'));
    const all = await admin('GET', '/api/v1/audit?entity=token&limit=200');
    assert.ok(!all.text.includes(tok.json.token), 'no token secret in the audit log');
  });

  test('log-ins and failed log-ins are audited', async () => {
    assert.equal((await login(env.baseUrl, 'rep')).status, 200);
    assert.equal((await login(env.baseUrl, 'rep', 'wrong-password')).status, 401);
    const r = await admin('GET', '/api/v1/audit?entity=session&limit=10');
    const [failed, ok] = r.json.items;
    assert.equal(failed.action, 'login_failed');
    assert.equal(failed.user_login, 'rep');
    assert.equal(ok.action, 'login');
    assert.equal(ok.user_login, 'rep');
    assert.equal(ok.user_id, env.ids.rep);
    assert.ok(!r.text.includes('wrong-password'));
  });
});

describe('audit listing', () => {
  test('pages with limit and after; no duplicates; next null at the end', async () => {
    const all = await allAudit();
    assert.ok(all.length >= 15, `${all.length} rows`);
    const { items, pages } = await listAll(admin, '/api/v1/audit', { limit: 4 });
    assert.deepEqual(items.map((r) => r.id), all.map((r) => r.id));
    assert.equal(new Set(items.map((r) => r.id)).size, items.length);
    assert.ok(pages.slice(0, -1).every((n) => n === 4));
  });

  test('entity filter', async () => {
    const r = await admin('GET', '/api/v1/audit?entity=customer&limit=200');
    assert.ok(r.json.items.length > 0);
    assert.ok(r.json.items.every((a) => a.entity === 'customer'));
    assertProblem(await admin('GET', '/api/v1/audit?entity_id=abc'), 400, 'entity_id');
  });
});
