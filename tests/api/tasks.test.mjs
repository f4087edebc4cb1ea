// Tasks API (docs/relationship-api.md, "Tasks + my day"): create with defaults and
// validation, list filters and visibility, PATCH / complete / cancel with If-Match
// (428, 409), my day buckets and who may see whose day, the reminder counts.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { setupEnv, assertProblem, createCustomer, q } from '../lib/api-helpers.mjs';
import { backend, psql } from '../lib/server.mjs';

const DAY_MS = 86400 * 1000;
const shanghaiDay = (offset = 0) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offset * DAY_MS).toISOString().slice(0, 10);
const shanghaiTime = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(11, 16);

// Moves a task's due day into the past behind the API's back (the API refuses
// past due days; time would have to pass otherwise).
function backdate(db, id, day) {
  const sql = `UPDATE task SET due_day = '${day}' WHERE id = ${Number(id)}`;
  if (backend() === 'sqlite') execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, sql]);
  else psql(db, sql);
}

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
      'assignee_name', 'title', 'kind', 'priority', 'due_day', 'due_time', 'status', 'origin', 'origin_id',
      'dedupe_key', 'note', 'completion_note', 'created_by', 'created_at', 'updated_at', 'completed_at',
      'completed_by']);
    assert.equal(task.kind, 'follow_up');
    assert.equal(task.priority, 'normal');
    assert.equal(task.due_time, null);
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

describe('tasks: new fields, edit, cancel', () => {
  let c3, t1;
  before(async () => { c3 = await createCustomer(rep1, { name: '任务测试三号' }); });

  test('create with kind, priority, due_time and note; due_time today must not have passed', async () => {
    const r = await rep1('POST', '/api/v1/tasks', { customer_id: c3.id, title: '上门拜访', kind: 'other',
      priority: 'high', due_day: shanghaiDay(2), due_time: '14:30', note: '带合同' });
    assert.equal(r.status, 201, r.text);
    t1 = r.json;
    assert.equal(t1.kind, 'other');
    assert.equal(t1.priority, 'high');
    assert.equal(t1.due_time, '14:30');
    assert.equal(t1.note, '带合同');
    assert.equal(t1.assignee_user_id, env.ids.rep1);
    const ok = { customer_id: c3.id, title: '跟进', due_day: shanghaiDay(1) };
    if (shanghaiTime() !== '00:00') {
      assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, due_day: shanghaiDay(0), due_time: '00:00' }), 422, 'due_time');
    }
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, due_time: '25:00' }), 422, 'due_time');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, kind: 'visit' }), 422, 'kind');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, priority: 'p0' }), 422, 'priority');
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, assignee_user_id: 987654 }), 422, 'assignee_user_id');
    // rep2 cannot open rep1's customer, so may not be handed a task on it.
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, assignee_user_id: env.ids.rep2 }), 422, 'assignee_user_id');
    // The manager of rep1's team can.
    const m = await rep1('POST', '/api/v1/tasks', { ...ok, assignee_user_id: env.ids.boss });
    assert.equal(m.status, 201, m.text);
    assertProblem(await rep1('POST', '/api/v1/tasks', { ...ok, origin: 'visit_plan' }), 422, 'origin');
  });

  test('PATCH: If-Match, fields, validation, visibility', async () => {
    const path = `/api/v1/tasks/${t1.id}`;
    assertProblem(await rep1('PATCH', path, { title: '改' }), 428);
    assertProblem(await rep1('PATCH', path, { title: '改' }, { 'If-Match': '"9"' }), 409);
    assertProblem(await rep2('PATCH', path, { title: '改' }, { 'If-Match': '"1"' }), 404);
    assertProblem(await rep1('PATCH', path, { due_day: shanghaiDay(-1) }, { 'If-Match': '"1"' }), 422, 'due_day');
    assertProblem(await rep1('PATCH', path, { title: '' }, { 'If-Match': '"1"' }), 422, 'title');
    assertProblem(await rep1('PATCH', path, { assignee_user_id: env.ids.rep2 }, { 'If-Match': '"1"' }), 422, 'assignee_user_id');
    assertProblem(await rep1('PATCH', path, { status: 'done' }, { 'If-Match': '"1"' }), 422, 'status');
    const r = await rep1('PATCH', path, { title: '改期拜访', due_day: shanghaiDay(4), due_time: null, priority: 'urgent',
      note: '' }, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.json.title, '改期拜访');
    assert.equal(r.json.due_day, shanghaiDay(4));
    assert.equal(r.json.due_time, null);
    assert.equal(r.json.priority, 'urgent');
    assert.equal(r.json.note, '');
    assert.equal(r.json.kind, 'other');
    t1 = r.json;
  });

  test('cancel with a note; a cancelled task is neither completed nor edited', async () => {
    const path = `/api/v1/tasks/${t1.id}`;
    assertProblem(await rep1('POST', `${path}/cancel`, { note: 'x' }), 428);
    const r = await rep1('POST', `${path}/cancel`, { note: '客户取消' }, { 'If-Match': '"2"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'cancelled');
    assert.equal(r.json.completion_note, '客户取消');
    assert.equal(r.json.completed_by, env.ids.rep1);
    assertProblem(await rep1('POST', `${path}/complete`, {}, { 'If-Match': '"3"' }), 409);
    assertProblem(await rep1('PATCH', path, { title: 'x' }, { 'If-Match': '"3"' }), 409);
    const cancelled = await rep1('GET', `/api/v1/tasks?${q({ status: 'cancelled', customer_id: c3.id })}`);
    assert.deepEqual(cancelled.json.items.map((t) => t.id), [t1.id]);
  });

  test('complete with a note; filters kind, due range, assignee_user_id', async () => {
    const r = await rep1('POST', '/api/v1/tasks', { customer_id: c3.id, title: '回访', kind: 'return_visit',
      due_day: shanghaiDay(5) });
    assert.equal(r.status, 201, r.text);
    const done = await rep1('POST', `/api/v1/tasks/${r.json.id}/complete`, { note: '已回访，满意' }, { 'If-Match': '"1"' });
    assert.equal(done.status, 200, done.text);
    assert.equal(done.json.completion_note, '已回访，满意');
    const byKind = await rep1('GET', `/api/v1/tasks?${q({ kind: 'return_visit', customer_id: c3.id })}`);
    assert.deepEqual(byKind.json.items.map((t) => t.id), [r.json.id]);
    const range = await rep1('GET', `/api/v1/tasks?${q({ customer_id: c3.id, due_from: shanghaiDay(5), due_to: shanghaiDay(5) })}`);
    assert.deepEqual(range.json.items.map((t) => t.id), [r.json.id]);
    const byId = await admin('GET', `/api/v1/tasks?${q({ assignee_user_id: env.ids.boss })}`);
    assert.ok(byId.json.items.length >= 1);
    assert.ok(byId.json.items.every((t) => t.assignee_user_id === env.ids.boss));
    assertProblem(await admin('GET', '/api/v1/tasks?due_from=2026-02-30'), 400, 'due_from');
    assertProblem(await admin('GET', '/api/v1/tasks?kind=visit'), 400, 'kind');
  });
});

describe('my day and reminders', () => {
  let c4, overdue, today, upcoming, later, eastTeam, westTeam;
  before(async () => {
    c4 = await createCustomer(rep1, { name: '我的一天客户' });
    const mk = async (body) => {
      const r = await rep1('POST', '/api/v1/tasks', { customer_id: c4.id, ...body });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    overdue = await mk({ title: '逾期', due_day: shanghaiDay(1) });
    backdate(env.db, overdue.id, shanghaiDay(-2));
    today = await mk({ title: '今天', due_day: shanghaiDay(0), due_time: '23:59' });
    upcoming = await mk({ title: '一周内', due_day: shanghaiDay(7) });
    later = await mk({ title: '以后', due_day: shanghaiDay(8) });
    const teams = await admin('GET', '/api/v1/teams');
    assert.equal(teams.status, 200, teams.text);
    const list = teams.json.items ?? teams.json;
    eastTeam = list.find((t) => t.name === 'east').id;
    westTeam = list.find((t) => t.name === 'west').id;
  });

  test('the caller\'s day: overdue, due today, next 7 days, with counts', async () => {
    const r = await rep1('GET', '/api/v1/tasks/my-day');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.today, shanghaiDay(0));
    assert.equal(r.json.user.id, env.ids.rep1);
    assert.ok(!('team' in r.json));
    const ids = (k) => r.json[k].map((t) => t.id);
    assert.ok(ids('overdue').includes(overdue.id));
    assert.ok(ids('due_today').includes(today.id));
    assert.ok(ids('upcoming').includes(upcoming.id));
    for (const k of ['overdue', 'due_today', 'upcoming']) {
      assert.ok(!ids(k).includes(later.id), k);
      assert.equal(r.json.counts[k], r.json[k].length, k);
      assert.ok(r.json[k].every((t) => t.status === 'open' && t.assignee_user_id === env.ids.rep1), k);
    }
    assert.ok(!ids('overdue').includes(today.id));
    const rem = await rep1('GET', '/api/v1/tasks/reminders');
    assert.equal(rem.status, 200, rem.text);
    assert.deepEqual(rem.json, { overdue: r.json.counts.overdue, due_today: r.json.counts.due_today });
    // Completing the overdue task takes it off the badge.
    const done = await rep1('POST', `/api/v1/tasks/${overdue.id}/complete`, {}, { 'If-Match': '"1"' });
    assert.equal(done.status, 200, done.text);
    const after = await rep1('GET', '/api/v1/tasks/reminders');
    assert.equal(after.json.overdue, rem.json.overdue - 1);
  });

  test('who may see whose day', async () => {
    assertProblem(await rep1('GET', `/api/v1/tasks/my-day?user_id=${env.ids.rep2}`), 403);
    assertProblem(await rep1('GET', `/api/v1/tasks/my-day?team_id=${eastTeam}`), 403);
    assert.equal((await rep1('GET', `/api/v1/tasks/my-day?user_id=${env.ids.rep1}`)).status, 200);
    const member = await boss('GET', `/api/v1/tasks/my-day?user_id=${env.ids.rep1}`);
    assert.equal(member.status, 200, member.text);
    assert.ok(member.json.due_today.some((t) => t.id === today.id));
    assertProblem(await boss('GET', `/api/v1/tasks/my-day?user_id=${env.ids.rep2}`), 403);
    assertProblem(await boss('GET', `/api/v1/tasks/my-day?team_id=${westTeam}`), 403);
    const team = await boss('GET', `/api/v1/tasks/my-day?team_id=${eastTeam}`);
    assert.equal(team.status, 200, team.text);
    assert.equal(team.json.team.id, eastTeam);
    assert.deepEqual(team.json.team.members.map((u) => u.login).sort(), ['boss', 'rep1']);
    assert.ok(team.json.due_today.some((t) => t.id === today.id));
    assert.ok(team.json.upcoming.some((t) => t.id === upcoming.id));
    const anyone = await admin('GET', `/api/v1/tasks/my-day?user_id=${env.ids.rep1}`);
    assert.equal(anyone.status, 200, anyone.text);
    assert.deepEqual(anyone.json.counts, member.json.counts);
    assertProblem(await admin('GET', '/api/v1/tasks/my-day?user_id=999999'), 404);
    assertProblem(await admin('GET', `/api/v1/tasks/my-day?user_id=${env.ids.rep1}&team_id=${eastTeam}`), 400, 'team_id');
    assertProblem(await admin('GET', '/api/v1/tasks/my-day?user_id=abc'), 400, 'user_id');
    const own = await analyst('GET', '/api/v1/tasks/my-day');
    assert.equal(own.status, 200, own.text);
    assert.deepEqual(own.json.counts, { overdue: 0, due_today: 0, upcoming: 0 });
    assertProblem(await analyst('GET', `/api/v1/tasks/my-day?user_id=${env.ids.rep1}`), 403);
    assert.deepEqual((await analyst('GET', '/api/v1/tasks/reminders')).json, { overdue: 0, due_today: 0 });
    assertProblem(await env.anon('GET', '/api/v1/tasks/reminders'), 401);
  });
});
