// Care journeys API (docs/relationship-api.md, "Care dates + journeys"): care
// settings, journey CRUD with validation (overlapping steps 422 on
// steps/N/day_offset), If-Match (428/409), permissions (403 for sales and
// analysts on journeys, 404 for invisible customers), enrollment once (409),
// leaving, and the seeded example journey.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer } from '../lib/api-helpers.mjs';

let env, admin, rep1, rep2, boss, analyst;
let c1, c2, journey;

const steps = [
  { day_offset: 0, channel: 'face_to_face', title: '欢迎，赠送贵宾卡' },
  { day_offset: 7, channel: 'phone', title: '问候' },
  { day_offset: 20, channel: 'wechat', title: '使用指南', note: '附说明书' },
  { day_offset: 38, channel: 'sms', title: '专属优惠' },
];

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
  c1 = await createCustomer(rep1, { name: '旅程客户一' });
  c2 = await createCustomer(rep2, { name: '旅程客户二' });
});
after(async () => { await env?.stop(); });

describe('care settings', () => {
  test('default 7; admin/manager change it; 0..60; others 403', async () => {
    const g = await rep1('GET', '/api/v1/care-settings');
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json, { lead_days: 7 });
    assertProblem(await rep1('PUT', '/api/v1/care-settings', { lead_days: 3 }), 403);
    assertProblem(await boss('PUT', '/api/v1/care-settings', { lead_days: 61 }), 422, 'lead_days');
    assertProblem(await boss('PUT', '/api/v1/care-settings', {}), 422, 'lead_days');
    const p = await boss('PUT', '/api/v1/care-settings', { lead_days: 3 });
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.json, { lead_days: 3 });
    assert.deepEqual((await analyst('GET', '/api/v1/care-settings')).json, { lead_days: 3 });
  });
});

describe('journeys', () => {
  test('the disabled example journey is seeded once', async () => {
    const r = await rep1('GET', '/api/v1/journeys');
    assert.equal(r.status, 200, r.text);
    const seeded = r.json.items.filter((j) => j.name === '首购关怀');
    assert.equal(seeded.length, 1);
    assert.equal(seeded[0].enabled, false);
    assert.equal(seeded[0].trigger, 'first_purchase');
    assert.deepEqual(seeded[0].steps.map((s) => s.day_offset), [0, 7, 20, 38]);
  });

  test('create: 201 with ETag, Location and numbered steps', async () => {
    const r = await boss('POST', '/api/v1/journeys', { name: ' 新客关怀 ', trigger: 'manual', steps });
    assert.equal(r.status, 201, r.text);
    journey = r.json;
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.headers.get('location'), `/api/v1/journeys/${journey.id}`);
    assert.equal(journey.name, '新客关怀');
    assert.equal(journey.enabled, true);
    assert.deepEqual(journey.steps.map((s) => [s.position, s.day_offset, s.channel]),
      [[0, 0, 'face_to_face'], [1, 7, 'phone'], [2, 20, 'wechat'], [3, 38, 'sms']]);
    assert.equal(journey.steps[2].note, '附说明书');
    const g = await analyst('GET', `/api/v1/journeys/${journey.id}`);
    assert.deepEqual(g.json, journey);
  });

  test('validation: overlapping steps, channel, trigger, step count, types', async () => {
    const same = await admin('POST', '/api/v1/journeys', {
      name: 'x', trigger: 'manual',
      steps: [{ day_offset: 0, channel: 'phone', title: 'a' }, { day_offset: 0, channel: 'sms', title: 'b' }],
    });
    const p = assertProblem(same, 422, 'steps/1/day_offset');
    assert.match(p.errors[0].message, /overlapping steps/);
    assertProblem(await admin('POST', '/api/v1/journeys', {
      name: 'x', trigger: 'manual',
      steps: [{ day_offset: 9, channel: 'phone', title: 'a' }, { day_offset: 3, channel: 'sms', title: 'b' }],
    }), 422, 'steps/1/day_offset');
    assertProblem(await admin('POST', '/api/v1/journeys',
      { name: 'x', trigger: 'manual', steps: [{ day_offset: 0, channel: 'pigeon', title: 'a' }] }), 422, 'steps/0/channel');
    assertProblem(await admin('POST', '/api/v1/journeys', { name: 'x', trigger: 'weekly', steps }), 422, 'trigger');
    assertProblem(await admin('POST', '/api/v1/journeys', { name: 'x', trigger: 'manual', steps: [] }), 422, 'steps');
    assertProblem(await admin('POST', '/api/v1/journeys',
      { name: 'x', trigger: 'manual', steps: [{ day_offset: 'soon', channel: 'phone', title: 'a' }] }), 422, 'steps/0/day_offset');
    assertProblem(await admin('POST', '/api/v1/journeys', { name: '', trigger: 'manual', steps }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/journeys', { name: 'x', trigger: 'manual', steps, id: 3 }), 422, 'id');
  });

  test('permissions: sales and analysts may not edit journeys', async () => {
    assertProblem(await rep1('POST', '/api/v1/journeys', { name: 'x', trigger: 'manual', steps }), 403);
    assertProblem(await analyst('PUT', `/api/v1/journeys/${journey.id}`, { name: 'x', trigger: 'manual', steps },
      { 'If-Match': '"1"' }), 403);
    assertProblem(await rep1('DELETE', `/api/v1/journeys/${journey.id}`, undefined, { 'If-Match': '"1"' }), 403);
  });

  test('update: If-Match required (428), stale (409), then 200 with version 2', async () => {
    const body = { name: '新客关怀', trigger: 'manual', enabled: true, steps: steps.slice(0, 3) };
    assertProblem(await admin('PUT', `/api/v1/journeys/${journey.id}`, body), 428);
    assertProblem(await admin('PUT', `/api/v1/journeys/${journey.id}`, body, { 'If-Match': '"9"' }), 409);
    const r = await admin('PUT', `/api/v1/journeys/${journey.id}`, body, { 'If-Match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.json.steps.length, 3);
    journey = r.json;
    assertProblem(await admin('GET', '/api/v1/journeys/999999'), 404);
  });
});

describe('enrollments', () => {
  let enrollment;

  test('enroll a visible customer: 201; twice 409; invisible customer 422; unknown journey 404', async () => {
    const r = await rep1('POST', `/api/v1/journeys/${journey.id}/enrollments`, { customer_id: c1.id });
    assert.equal(r.status, 201, r.text);
    enrollment = r.json;
    assert.equal(enrollment.status, 'active');
    assert.equal(enrollment.journey_name, '新客关怀');
    assert.equal(enrollment.step_count, 3);
    assert.equal(enrollment.next_position, 0);
    assertProblem(await boss('POST', `/api/v1/journeys/${journey.id}/enrollments`, { customer_id: c1.id }), 409);
    assertProblem(await rep1('POST', `/api/v1/journeys/${journey.id}/enrollments`, { customer_id: c2.id }), 422, 'customer_id');
    assertProblem(await rep1('POST', '/api/v1/journeys/999999/enrollments', { customer_id: c1.id }), 404);
    assertProblem(await analyst('POST', `/api/v1/journeys/${journey.id}/enrollments`, { customer_id: c1.id }), 403);
  });

  test('a customer\'s journeys: visible only to who sees the customer', async () => {
    const r = await boss('GET', `/api/v1/customers/${c1.id}/journeys`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((e) => e.id), [enrollment.id]);
    assertProblem(await rep2('GET', `/api/v1/customers/${c1.id}/journeys`), 404);
    const none = await rep2('GET', `/api/v1/customers/${c2.id}/journeys`);
    assert.deepEqual(none.json.items, []);
  });

  test('leave: reason required; invisible 404; then left; again 409; enrolling again 409', async () => {
    assertProblem(await rep1('POST', `/api/v1/journey-enrollments/${enrollment.id}/leave`, {}), 422, 'reason');
    assertProblem(await rep2('POST', `/api/v1/journey-enrollments/${enrollment.id}/leave`, { reason: 'opt_out' }), 404);
    const r = await rep1('POST', `/api/v1/journey-enrollments/${enrollment.id}/leave`, { reason: 'opt_out' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.enrollment.status, 'left');
    assert.equal(r.json.enrollment.left_reason, 'opt_out');
    assert.equal(typeof r.json.cancelled_tasks, 'number');
    assertProblem(await rep1('POST', `/api/v1/journey-enrollments/${enrollment.id}/leave`, { reason: 'opt_out' }), 409);
    assertProblem(await rep1('POST', `/api/v1/journeys/${journey.id}/enrollments`, { customer_id: c1.id }), 409);
    assertProblem(await rep1('POST', '/api/v1/journey-enrollments/999999/leave', { reason: 'x' }), 404);
  });

  test('delete: If-Match; the journey and its enrollments go', async () => {
    assertProblem(await admin('DELETE', `/api/v1/journeys/${journey.id}`), 428);
    const d = await admin('DELETE', `/api/v1/journeys/${journey.id}`, undefined, { 'If-Match': `"${journey.version}"` });
    assert.equal(d.status, 204, d.text);
    assertProblem(await admin('GET', `/api/v1/journeys/${journey.id}`), 404);
    const r = await rep1('GET', `/api/v1/customers/${c1.id}/journeys`);
    assert.deepEqual(r.json.items, []);
  });
});
