// Interactions and the customer timeline (docs/relationship-api.md, "Interactions +
// timeline"): log with a follow-up task in one transaction, 422 naming fields,
// 404 for invisible, PATCH/DELETE with If-Match (428, 409), timeline kinds and paging.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, q } from '../lib/api-helpers.mjs';

const DAY_MS = 86400 * 1000;
const shanghaiDay = (offset = 0) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offset * DAY_MS).toISOString().slice(0, 10);
const now = () => Math.floor(Date.now() / 1000);

let env, admin, rep1, rep2, desk, analyst;
let c1, c2;

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'rep1', role: 'sales', team: 'east' },
      { login: 'rep2', role: 'sales', team: 'west' },
      { login: 'desk', role: 'service' },
      { login: 'ana', role: 'analyst' },
    ],
  });
  admin = env.as('admin');
  rep1 = env.as('rep1');
  rep2 = env.as('rep2');
  desk = env.as('desk');
  analyst = env.as('ana');
  c1 = await createCustomer(rep1, { name: '互动测试一号' });
  c2 = await createCustomer(rep2, { name: '互动测试二号' });
});
after(async () => { await env?.stop(); });

describe('interactions', () => {
  let logged;

  test('log: 201 with its follow-up task (origin interaction) in one answer', async () => {
    const r = await rep1('POST', '/api/v1/interactions', {
      customer_id: c1.id, channel: 'phone', direction: 'outbound', summary: '  问了报价  ', duration_minutes: 8,
      follow_up: { title: '发报价单', due_day: shanghaiDay(2), due_time: '09:30', priority: 'high' },
    });
    assert.equal(r.status, 201, r.text);
    logged = r.json;
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.headers.get('location'), `/api/v1/interactions/${logged.id}`);
    assert.equal(logged.summary, '问了报价');
    assert.equal(logged.customer_name, '互动测试一号');
    assert.equal(logged.user_id, env.ids.rep1);
    assert.ok(Math.abs(logged.at - now()) < 60, `at defaults to now: ${logged.at}`);
    const t = logged.follow_up_task;
    assert.equal(t.origin, 'interaction');
    assert.equal(t.origin_id, logged.id);
    assert.equal(t.kind, 'follow_up');
    assert.equal(t.assignee_user_id, env.ids.rep1);
    const task = await rep1('GET', `/api/v1/tasks/${t.id}`);
    assert.equal(task.status, 200, task.text);
    assert.equal(task.json.origin_id, logged.id);
    const g = await rep1('GET', `/api/v1/interactions/${logged.id}`);
    assert.equal(g.status, 200);
    const { follow_up_task, ...plain } = logged;
    assert.deepEqual(g.json, plain);
  });

  test('log: 422 naming every wrong field, nothing stored', async () => {
    const ok = { customer_id: c1.id, channel: 'email', direction: 'inbound' };
    assertProblem(await rep1('POST', '/api/v1/interactions', { ...ok, channel: 'pigeon' }), 422, 'channel');
    assertProblem(await rep1('POST', '/api/v1/interactions', { ...ok, direction: 'up' }), 422, 'direction');
    assertProblem(await rep1('POST', '/api/v1/interactions', { ...ok, at: now() + 3600 }), 422, 'at');
    assertProblem(await rep1('POST', '/api/v1/interactions', { ...ok, at: 100 }), 422, 'at');
    assertProblem(await rep1('POST', '/api/v1/interactions', { ...ok, subject: '长'.repeat(201) }), 422, 'subject');
    assertProblem(await rep1('POST', '/api/v1/interactions', { ...ok, duration_minutes: 1441 }), 422, 'duration_minutes');
    assertProblem(await rep1('POST', '/api/v1/interactions', { ...ok, customer_id: 999999 }), 422, 'customer_id');
    assertProblem(await rep2('POST', '/api/v1/interactions', { ...ok }), 422, 'customer_id');
    const both = await rep1('POST', '/api/v1/interactions', { ...ok, channel: 'x', follow_up: { title: '', due_day: shanghaiDay(-1) } });
    assertProblem(both, 422);
    const fields = both.json.errors?.map((e) => e.field) ?? both.json.fields?.map((e) => e.field);
    assert.deepEqual(fields, ['channel', 'follow_up/title', 'follow_up/due_day']);
    const before = await rep1('GET', `/api/v1/interactions?${q({ customer_id: c1.id })}`);
    const r = await rep1('POST', '/api/v1/interactions',
      { ...ok, follow_up: { title: '回访', due_day: shanghaiDay(1), assignee_user_id: 999999 } });
    assertProblem(r, 422, 'follow_up/assignee_user_id');
    const afterList = await rep1('GET', `/api/v1/interactions?${q({ customer_id: c1.id })}`);
    assert.equal(afterList.json.items.length, before.json.items.length);
  });

  test('roles: service logs, analysts read only, invisible is 404', async () => {
    const r = await desk('POST', '/api/v1/interactions', { customer_id: c1.id, channel: 'wechat', direction: 'inbound', summary: '咨询售后' });
    assert.equal(r.status, 201, r.text);
    assert.equal((await analyst('POST', '/api/v1/interactions', { customer_id: c1.id, channel: 'sms', direction: 'outbound' })).status, 403);
    assert.equal((await analyst('GET', `/api/v1/interactions/${logged.id}`)).status, 200);
    assertProblem(await rep2('GET', `/api/v1/interactions/${logged.id}`), 404);
    assertProblem(await rep2('GET', `/api/v1/customers/${c1.id}/timeline`), 404);
    const list = await rep2('GET', '/api/v1/interactions');
    assert.equal(list.status, 200);
    assert.ok(list.json.items.every((i) => i.customer_id !== c1.id));
  });

  test('patch and delete need If-Match: 428, 409, then 200 and 204', async () => {
    const path = `/api/v1/interactions/${logged.id}`;
    assertProblem(await rep1('PATCH', path, { outcome: '同意' }), 428);
    const p = await rep1('PATCH', path, { outcome: '同意见面', channel: 'face_to_face' }, { 'If-Match': '"1"' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.version, 2);
    assert.equal(p.json.outcome, '同意见面');
    assertProblem(await rep1('PATCH', path, { outcome: 'x' }, { 'If-Match': '"1"' }), 409);
    assertProblem(await rep1('PATCH', path, { customer_id: c2.id }, { 'If-Match': '"2"' }), 422, 'customer_id');
    assertProblem(await rep1('DELETE', path), 428);
    assertProblem(await rep1('DELETE', path, undefined, { 'If-Match': '"1"' }), 409);
    const d = await rep1('DELETE', path, undefined, { 'If-Match': '"2"' });
    assert.equal(d.status, 204, d.text);
    assertProblem(await rep1('GET', path), 404);
  });
});

describe('timeline', () => {
  let c;
  before(async () => {
    c = await createCustomer(rep1, { name: '时间线客户' });
    for (let k = 0; k < 5; k++) {
      const r = await rep1('POST', '/api/v1/interactions',
        { customer_id: c.id, channel: 'phone', direction: 'outbound', at: now() - 3600 * (k + 1), summary: `第${k}次通话` });
      assert.equal(r.status, 201, r.text);
    }
    const t = await rep1('POST', '/api/v1/tasks', { customer_id: c.id, title: '准备方案', due_day: shanghaiDay(1) });
    assert.equal(t.status, 201, t.text);
  });

  test('newest first across kinds, items carry kind/title/user and data', async () => {
    const r = await rep1('GET', `/api/v1/customers/${c.id}/timeline`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 6);
    assert.equal(r.json.next, null);
    const first = r.json.items[0];
    assert.equal(first.kind, 'task');
    assert.equal(first.event, 'created');
    assert.equal(first.title, '准备方案');
    const inter = r.json.items[1];
    assert.deepEqual(Object.keys(inter), ['kind', 'event', 'id', 'at', 'title', 'detail', 'user_id', 'user_name', 'data']);
    assert.equal(inter.kind, 'interaction');
    assert.equal(inter.title, '第0次通话');
    assert.equal(inter.user_name, 'rep1');
    assert.equal(inter.data.channel, 'phone');
    const ats = r.json.items.map((i) => i.at);
    assert.deepEqual(ats, [...ats].sort((a, b) => b - a));
  });

  test('kinds filter and paging by cursor', async () => {
    const only = await rep1('GET', `/api/v1/customers/${c.id}/timeline?${q({ kinds: 'interaction', limit: 2 })}`);
    assert.equal(only.status, 200, only.text);
    const seen = [...only.json.items];
    let next = only.json.next;
    while (next) {
      const p = await rep1('GET', `/api/v1/customers/${c.id}/timeline?${q({ kinds: 'interaction', limit: 2, after: next })}`);
      assert.equal(p.status, 200, p.text);
      seen.push(...p.json.items);
      next = p.json.next;
    }
    assert.equal(seen.length, 5);
    assert.ok(seen.every((i) => i.kind === 'interaction'));
    assert.deepEqual(seen.map((i) => i.title), ['第0次通话', '第1次通话', '第2次通话', '第3次通话', '第4次通话']);
    assertProblem(await rep1('GET', `/api/v1/customers/${c.id}/timeline?${q({ kinds: 'gossip' })}`), 400, 'kinds');
    assertProblem(await rep1('GET', `/api/v1/customers/${c.id}/timeline?${q({ after: 'zzz' })}`), 400, 'after');
    assertProblem(await rep1('GET', '/api/v1/customers/999999/timeline'), 404);
  });
});
