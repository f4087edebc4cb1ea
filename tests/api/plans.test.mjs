// Return-visit plans and event rules API (docs/relationship-api.md, "Plans + event
// rules"): CRUD with versions (If-Match 428/409), 422 naming fields, 403 for sales
// writing, and the visit_plans job creating one return visit per customer on a plan.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, q, sleep } from '../lib/api-helpers.mjs';

const DAY_MS = 86400 * 1000;
const shanghaiDay = (offset = 0) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offset * DAY_MS).toISOString().slice(0, 10);

let env, admin, boss, rep;
let plan, rule, customer;

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'boss', role: 'manager', team: 'east' },
      { login: 'rep', role: 'sales', team: 'east' },
    ],
    serverArgs: ['--scheduler-poll-seconds', '1'],
  });
  admin = env.as('admin');
  boss = env.as('boss');
  rep = env.as('rep');
  customer = await createCustomer(rep, { name: '回访计划测试' });
});
after(async () => { await env?.stop(); });

const planBody = { name: '全部客户', class_kind: 'all', class_value: '', interval_days: 30, position: 10,
  task_title: '例行回访' };

async function runJob(kind) {
  const r = await admin('POST', '/api/v1/jobs', { kind });
  assert.equal(r.status, 202, r.text);
  const until = Date.now() + 20000;
  for (;;) {
    const j = await admin('GET', `/api/v1/jobs/${r.json.id}`);
    assert.equal(j.status, 200, j.text);
    if (j.json.status === 'done') return j.json.result;
    if (j.json.status === 'failed') throw new Error(`job failed: ${j.json.error}`);
    if (Date.now() > until) throw new Error(`job ${r.json.id} still ${j.json.status}`);
    await sleep(100);
  }
}

describe('visit plans', () => {
  test('create: 201 with ETag and Location; everyone reads', async () => {
    const r = await boss('POST', '/api/v1/visit-plans', planBody);
    assert.equal(r.status, 201, r.text);
    plan = r.json;
    assert.deepEqual(Object.keys(plan), ['id', 'version', 'name', 'class_kind', 'class_value', 'interval_days',
      'position', 'task_title', 'priority', 'enabled', 'created_at', 'updated_at']);
    assert.equal(plan.version, 1);
    assert.equal(plan.priority, 'normal');
    assert.equal(plan.enabled, true);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.headers.get('location'), `/api/v1/visit-plans/${plan.id}`);
    const strategic = await admin('POST', '/api/v1/visit-plans',
      { ...planBody, name: '战略客户', class_kind: 'tier', class_value: 'strategic', interval_days: 7, position: 1 });
    assert.equal(strategic.status, 201, strategic.text);
    const list = await rep('GET', '/api/v1/visit-plans');
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.items.map((p) => p.name), ['战略客户', '全部客户']);  // by position
  });

  test('422 names the field; unknown fields are rejected', async () => {
    assertProblem(await boss('POST', '/api/v1/visit-plans', { ...planBody, name: ' ' }), 422, 'name');
    assertProblem(await boss('POST', '/api/v1/visit-plans', { ...planBody, interval_days: 0 }), 422, 'interval_days');
    assertProblem(await boss('POST', '/api/v1/visit-plans', { ...planBody, interval_days: 3651 }), 422, 'interval_days');
    assertProblem(await boss('POST', '/api/v1/visit-plans', { ...planBody, class_kind: 'colour' }), 422, 'class_kind');
    assertProblem(await boss('POST', '/api/v1/visit-plans', { ...planBody, class_kind: 'tier', class_value: 'gold' }),
      422, 'class_value');
    assertProblem(await boss('POST', '/api/v1/visit-plans', { ...planBody, task_title: '' }), 422, 'task_title');
    assertProblem(await boss('POST', '/api/v1/visit-plans', { ...planBody, priority: 'asap' }), 422, 'priority');
    assertProblem(await boss('POST', '/api/v1/visit-plans', { ...planBody, colour: 'red' }), 422, 'colour');
  });

  test('sales may not write: 403', async () => {
    assertProblem(await rep('POST', '/api/v1/visit-plans', planBody), 403);
    assertProblem(await rep('PUT', `/api/v1/visit-plans/${plan.id}`, planBody, { 'If-Match': '"1"' }), 403);
    assertProblem(await rep('DELETE', `/api/v1/visit-plans/${plan.id}`, undefined, { 'If-Match': '"1"' }), 403);
    assertProblem(await env.anon('GET', '/api/v1/visit-plans'), 401);
  });

  test('PUT and DELETE need If-Match: 428 without, 409 stale, 404 missing', async () => {
    assertProblem(await boss('PUT', `/api/v1/visit-plans/${plan.id}`, planBody), 428, 'If-Match');
    const r = await boss('PUT', `/api/v1/visit-plans/${plan.id}`, { ...plan, interval_days: 45 }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.json.interval_days, 45);
    assert.equal(r.headers.get('etag'), '"2"');
    assertProblem(await boss('PUT', `/api/v1/visit-plans/${plan.id}`, planBody, { 'If-Match': '"1"' }), 409);
    assertProblem(await boss('DELETE', `/api/v1/visit-plans/${plan.id}`), 428, 'If-Match');
    assertProblem(await boss('DELETE', `/api/v1/visit-plans/${plan.id}`, undefined, { 'If-Match': '"1"' }), 409);
    assertProblem(await boss('PUT', '/api/v1/visit-plans/999999', planBody, { 'If-Match': '"1"' }), 404);
    plan = r.json;
  });

  test('the visit_plans job creates one return visit per customer, once', async () => {
    // The daily slot may have run already (the server polls every second and
    // its 03:00 slot is past): together they made exactly one task.
    const first = await runJob('visit_plans');
    assert.equal(first.customers, 1);
    assert.ok(first.created <= 1);
    const tasks = await rep('GET', `/api/v1/tasks?${q({ customer_id: customer.id, status: 'open' })}`);
    assert.equal(tasks.status, 200, tasks.text);
    assert.equal(tasks.json.items.length, 1);
    assert.equal(tasks.json.items[0].title, '例行回访');
    assert.equal(tasks.json.items[0].assignee_user_id, env.ids.rep);
    await sleep(1100);  // a manual job's key is <kind>:manual:<unix second>
    const again = await runJob('visit_plans');
    assert.equal(again.created, 0);
    assert.equal(again.customers, 1);
  });

  test('completing the return visit creates the next at completion day + interval', async () => {
    const open = await rep('GET', `/api/v1/tasks?${q({ customer_id: customer.id, status: 'open' })}`);
    const visit = open.json.items[0];
    const done = await rep('POST', `/api/v1/tasks/${visit.id}/complete`, { note: '已回访' },
      { 'If-Match': `"${visit.version}"` });
    assert.equal(done.status, 200, done.text);
    const next = await rep('GET', `/api/v1/tasks?${q({ customer_id: customer.id, status: 'open' })}`);
    assert.equal(next.json.items.length, 1);
    assert.notEqual(next.json.items[0].id, visit.id);
    assert.equal(next.json.items[0].due_day, shanghaiDay(45));  // the plan's interval after the edit
    assert.equal(next.json.items[0].dedupe_key, `visit:${customer.id}:${visit.id}`);
    await sleep(1100);
    const pass = await runJob('visit_plans');
    assert.equal(pass.created, 0);
  });

  test('DELETE with the current version: 204, then 404', async () => {
    const d = await boss('DELETE', `/api/v1/visit-plans/${plan.id}`, undefined, { 'If-Match': `"${plan.version}"` });
    assert.equal(d.status, 204, d.text);
    assertProblem(await boss('DELETE', `/api/v1/visit-plans/${plan.id}`, undefined, { 'If-Match': '"2"' }), 404);
  });
});

describe('event rules', () => {
  const ruleBody = { event: 'order_refunded', delay_days: 2, task_title: '退款回访' };

  test('create, list, update, delete', async () => {
    const r = await boss('POST', '/api/v1/event-rules', ruleBody);
    assert.equal(r.status, 201, r.text);
    rule = r.json;
    assert.deepEqual(Object.keys(rule), ['id', 'version', 'event', 'delay_days', 'task_title', 'priority', 'enabled',
      'created_at', 'updated_at']);
    const cases = await admin('POST', '/api/v1/event-rules', { ...ruleBody, event: 'case_closed' });
    assert.equal(cases.status, 201, cases.text);  // stored; fires once service cases exist
    const list = await rep('GET', '/api/v1/event-rules');
    assert.deepEqual(list.json.items.map((x) => x.event), ['order_refunded', 'case_closed']);
    const u = await boss('PUT', `/api/v1/event-rules/${rule.id}`, { ...ruleBody, enabled: false }, { 'If-Match': '"1"' });
    assert.equal(u.status, 200, u.text);
    assert.equal(u.json.enabled, false);
    assertProblem(await boss('PUT', `/api/v1/event-rules/${rule.id}`, ruleBody, { 'If-Match': '"1"' }), 409);
    assertProblem(await boss('PUT', `/api/v1/event-rules/${rule.id}`, ruleBody), 428, 'If-Match');
    const d = await boss('DELETE', `/api/v1/event-rules/${rule.id}`, undefined, { 'If-Match': '"2"' });
    assert.equal(d.status, 204, d.text);
  });

  test('422 names the field; 403 for sales', async () => {
    assertProblem(await boss('POST', '/api/v1/event-rules', { ...ruleBody, event: 'birthday' }), 422, 'event');
    assertProblem(await boss('POST', '/api/v1/event-rules', { ...ruleBody, delay_days: 366 }), 422, 'delay_days');
    assertProblem(await boss('POST', '/api/v1/event-rules', { ...ruleBody, delay_days: -1 }), 422, 'delay_days');
    assertProblem(await boss('POST', '/api/v1/event-rules', { ...ruleBody, task_title: ' ' }), 422, 'task_title');
    assertProblem(await rep('POST', '/api/v1/event-rules', ruleBody), 403);
  });

  test('the event_rules job runs', async () => {
    const result = await runJob('event_rules');
    assert.deepEqual(Object.keys(result), ['refunds', 'repurchases', 'created']);
  });
});
