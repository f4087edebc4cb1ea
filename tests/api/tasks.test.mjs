// Follow-up tasks API (docs/analytics-api.md): create with defaults and validation,
// list filters and visibility, complete with If-Match (428, 409).
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, q } from '../lib/api-helpers.mjs';

const DAY_MS = 86400 * 1000;
const shanghaiDay = (offset = 0) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offset * DAY_MS).toISOString().slice(0, 10);

let env, admin, rep1, rep2, boss, analyst;
let c1, c2, task;

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'rep1', role: 'sales', team: 'east' },
      { login: 'rep2', role: 'sales', team: 'west' },
      { login: 'boss', role: 'manager', team: 'east' },
      { login: 'ana', role: 'analyst' },
    ],
  });
  admin = env.as('admin');
  rep1 = env.as('rep1');
  rep2 = env.as('rep2');
  boss = env.as('boss');
  analyst = env.as('ana');
  c1 = await createCustomer(rep1, { name: '任务测试一号' });
  c2 = await createCustomer(rep2, { name: '任务测试二号' });
});
after(async () => { await env?.stop(); });

describe('tasks', () => {
  test('create: 201 with defaults (assignee = the customer\'s owner, origin manual, status open)', async () => {
    const r = await boss('POST', '/api/v1/tasks', { customer_id: c1.id, title: '  回访客户  ', due_day: shanghaiDay(3) });
    assert.equal(r.status, 201, r.text);
    task = r.json;
    assert.deepEqual(Object.keys(task), ['id', 'version', 'customer_id', 'customer_name', 'assignee_user_id',
      'assignee_name', 'title', 'due_day', 'status', 'origin', 'created_by', 'created_at', 'completed_at']);
    assert.equal(task.version, 1);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.headers.get('location'), `/api/v1/tasks/${task.id}`);
    assert.equal(task.customer_name, '任务测试一号');
    assert.equal(task.assignee_user_id, env.ids.rep1);
    assert.equal(task.title, '回访客户');
    assert.equal(task.status, 'open');
    assert.equal(task.origin, 'manual');
    assert.equal(task.created_by, env.ids.boss);
    assert.equal(task.completed_at, null);
    const g = await rep1('GET', `/api/v1/tasks/${task.id}`);
    assert.deepEqual(g.json, task);
  });

  test('create: today is allowed; origin churn_alert; assignee by login', async () => {
    const r = await rep1('POST', '/api/v1/tasks',
      { customer_id: c1.id, title: '流失预警跟进', due_day: shanghaiDay(0), origin: 'churn_alert', assignee: 'boss' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.origin, 'churn_alert');
    assert.equal(r.json.assignee_user_id, env.ids.boss);
  });

  test('create: 422 naming the field', async () => {
    const ok = { customer_id: c1.id, title: '跟进', due_day: shanghaiDay(1) };
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, title: '   ' }), 422, 'title');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, title: '长'.repeat(201) }), 422, 'title');
    assert.equal((await rep1('POST', '/api/v1/tasks', { ...ok, title: '长'.repeat(200) })).status, 201);
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, due_day: shanghaiDay(-1) }), 422, 'due_day');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, due_day: '2027-02-30' }), 422, 'due_day');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, assignee: 'nobody' }), 422, 'assignee');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, origin: 'robot' }), 422, 'origin');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, customer_id: 999999 }), 422, 'customer_id');
    // A customer the caller cannot see is as unknown as a missing one.
    assertProblem(await rep2('POST', '/api/v1/tasks', { ...ok }), 422, 'customer_id');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, status: 'done' }), 422, 'status');
  });

  test('create: a disabled user is no assignee; analysts may not create', async () => {
    const u = await admin('GET', '/api/v1/users');
    assert.equal(u.status, 200, u.text);
    const rep2User = (u.json.items ?? u.json).find((x) => x.login === 'rep2');
    const d = await admin('PATCH', `/api/v1/users/${rep2User.id}`, { disabled: true }, { 'If-Match': `"${rep2User.version}"` });
    assert.equal(d.status, 200, d.text);
    assertProblem(await admin('POST', '/api/v1/tasks', { customer_id: c2.id, title: '跟进', due_day: shanghaiDay(1) }), 422, 'assignee');
    const back = await admin('PATCH', `/api/v1/users/${rep2User.id}`, { disabled: false }, { 'If-Match': `"${d.json.version}"` });
    assert.equal(back.status, 200, back.text);
    assertProblem(await analyst('POST', '/api/v1/tasks', { customer_id: c1.id, title: '跟进', due_day: shanghaiDay(1) }), 403);
  });

  test('list: by customer, assignee=me and status; visibility follows the customer', async () => {
    const r2 = await rep2('POST', '/api/v1/tasks', { customer_id: c2.id, title: '二号跟进', due_day: shanghaiDay(2) });
    assert.equal(r2.status, 201, r2.text);
    const all = await admin('GET', '/api/v1/tasks');
    assert.equal(all.status, 200, all.text);
    assert.equal(all.json.items.length, 4);
    assert.ok('next' in all.json);
    // By due day, then id.
    const days = all.json.items.map((t) => t.due_day);
    assert.deepEqual(days, [...days].sort());
    const mine = await rep1('GET', '/api/v1/tasks?assignee=me');
    assert.deepEqual(mine.json.items.map((t) => t.assignee_user_id), mine.json.items.map(() => env.ids.rep1));
    assert.equal(mine.json.items.length, 2);
    const seen2 = await rep2('GET', '/api/v1/tasks');
    assert.deepEqual(seen2.json.items.map((t) => t.customer_id), [c2.id]);
    const byCustomer = await admin('GET', `/api/v1/tasks?${q({ customer_id: c2.id })}`);
    assert.deepEqual(byCustomer.json.items.map((t) => t.title), ['二号跟进']);
    assertProblem(await rep2('GET', `/api/v1/tasks/${task.id}`), 404);
    assertProblem(await admin('GET', '/api/v1/tasks?status=later'), 400, 'status');
    assertProblem(await admin('GET', '/api/v1/tasks?assignee=nobody'), 400, 'assignee');
  });

  test('complete: 428 without If-Match, 409 stale, 200 done; then it leaves status=open', async () => {
    assertProblem(await rep1('POST', `/api/v1/tasks/${task.id}/complete`), 428);
    assertProblem(await rep1('POST', `/api/v1/tasks/${task.id}/complete`, undefined, { 'If-Match': '"7"' }), 409);
    assertProblem(await rep2('POST', `/api/v1/tasks/${task.id}/complete`, undefined, { 'If-Match': '"1"' }), 404);
    const r = await rep1('POST', `/api/v1/tasks/${task.id}/complete`, undefined, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'done');
    assert.equal(r.json.version, 2);
    assert.equal(typeof r.json.completed_at, 'string');
    const open = await admin('GET', '/api/v1/tasks?status=open');
    assert.ok(!open.json.items.some((t) => t.id === task.id));
    const done = await admin('GET', '/api/v1/tasks?status=done');
    assert.deepEqual(done.json.items.map((t) => t.id), [task.id]);
  });
});
