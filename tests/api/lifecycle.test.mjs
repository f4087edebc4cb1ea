// Lifecycle stage and formation ladder (docs/relationship-api.md, Lifecycle):
// GET shows the derived values and reasons, PUT overrides with If-Match (428,
// 409, 422), the `lifecycle` job derives and keeps overrides, clearing applies
// the derived value, a stage set through PATCH /customers is an override, and
// visibility is the customer's.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, sleep } from '../lib/api-helpers.mjs';

let env, admin, rep1, rep2, analyst;
let buyer, fresh;

const ifMatch = (v) => ({ 'if-match': `"${v}"` });

// A manual job's key is "<kind>:manual:<unix seconds>": each run waits for a
// new second so it is a new job, not the previous one answered again.
let lastRunSecond = 0;
async function runLifecycleJob() {
  while (Math.floor(Date.now() / 1000) <= lastRunSecond) await sleep(50);
  lastRunSecond = Math.floor(Date.now() / 1000);
  const r = await admin('POST', '/api/v1/jobs', { kind: 'lifecycle' });
  assert.equal(r.status, 202, r.text);
  const until = Date.now() + 20000;
  for (;;) {
    const j = await admin('GET', `/api/v1/jobs/${r.json.id}`);
    assert.equal(j.status, 200, j.text);
    if (j.json.status === 'done' || j.json.status === 'failed') {
      assert.equal(j.json.status, 'done', JSON.stringify(j.json));
      return j.json.result;
    }
    if (Date.now() > until) throw new Error('lifecycle job did not finish');
    await sleep(100);
  }
}

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'rep1', role: 'sales', team: 'east' },
      { login: 'rep2', role: 'sales', team: 'west' },
      { login: 'ana', role: 'analyst' },
    ],
  });
  admin = env.as('admin');
  rep1 = env.as('rep1');
  rep2 = env.as('rep2');
  analyst = env.as('ana');
  buyer = await createCustomer(rep1, { name: '生命周期买家', relationship: 'current' });
  fresh = await createCustomer(rep1, { name: '生命周期新客' });
  const now = Math.floor(Date.now() / 1000);
  for (const daysAgo of [3, 33, 63]) {
    const o = await rep1('POST', '/api/v1/orders', { customer_id: buyer.id, total: 50000,
      ordered_at: new Date((now - daysAgo * 86400) * 1000).toISOString() });
    assert.equal(o.status, 201, o.text);
  }
});
after(async () => { await env?.stop(); });

describe('lifecycle', () => {
  test('GET before any run: stored stage, derived values with reasons, empty history', async () => {
    const r = await rep1('GET', `/api/v1/customers/${buyer.id}/lifecycle`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json), ['customer_id', 'version', 'stage', 'ladder', 'stage_overridden',
      'ladder_overridden', 'derived_at', 'derived', 'history']);
    assert.equal(r.json.stage, 'exploration');
    assert.equal(r.json.derived.stage, 'stability');
    assert.equal(r.json.derived.ladder, 'repeat_buyer');
    assert.equal(r.json.derived.reason, 'repeat_purchases,repeat_purchases');
    assert.equal(r.json.ladder, 'repeat_buyer');  // no row yet: the derived rung holds
    assert.deepEqual(r.json.history, []);
    assert.equal(r.headers.get('etag'), `"${r.json.version}"`);
  });

  test('the lifecycle job derives stage and rung with history; a rerun changes nothing', async () => {
    const first = await runLifecycleJob();
    assert.ok(first.customers >= 2);
    assert.ok(first.stages_changed >= 1);
    const r = await rep1('GET', `/api/v1/customers/${buyer.id}/lifecycle`);
    assert.equal(r.json.stage, 'stability');
    assert.equal(r.json.ladder, 'repeat_buyer');
    assert.deepEqual(r.json.history.map((h) => [h.field, h.from, h.to, h.source]).sort(),
      [['ladder', '', 'repeat_buyer', 'derived'], ['stage', 'exploration', 'stability', 'derived']]);
    const c = await rep1('GET', `/api/v1/customers/${buyer.id}`);
    assert.equal(c.json.lifecycle_stage, 'stability');
    assert.equal(c.json.version, r.json.version);
    const second = await runLifecycleJob();
    assert.equal(second.stages_changed, 0);
    assert.equal(second.ladders_changed, 0);
  });

  test('PUT: If-Match required (428), stale (409), bad values (422), read-only role (403), invisible (404)', async () => {
    const path = `/api/v1/customers/${buyer.id}/lifecycle`;
    const { json: cur } = await rep1('GET', path);
    assertProblem(await rep1('PUT', path, { stage: 'decline' }), 428);
    assertProblem(await rep1('PUT', path, { stage: 'decline' }, ifMatch(cur.version - 1)), 409);
    assertProblem(await rep1('PUT', path, { stage: 'dormant' }, ifMatch(cur.version)), 422, 'stage');
    assertProblem(await rep1('PUT', path, { ladder: 'vip' }, ifMatch(cur.version)), 422, 'ladder');
    assertProblem(await rep1('PUT', path, { clear_override: 'all' }, ifMatch(cur.version)), 422, 'clear_override');
    assertProblem(await rep1('PUT', path, {}, ifMatch(cur.version)), 422, 'stage');
    assertProblem(await rep1('PUT', path, { version: 3, stage: 'decline' }, ifMatch(cur.version)), 422, 'version');
    assertProblem(await analyst('PUT', path, { stage: 'decline' }, ifMatch(cur.version)), 403);
    assertProblem(await rep2('GET', path), 404);
    assertProblem(await rep2('PUT', path, { stage: 'decline' }, ifMatch(cur.version)), 404);
    assertProblem(await rep1('GET', '/api/v1/customers/999999/lifecycle'), 404);
    const after = await rep1('GET', path);
    assert.equal(after.json.version, cur.version);  // nothing was written
  });

  test('override survives the job; clearing applies the derived value at once', async () => {
    const path = `/api/v1/customers/${buyer.id}/lifecycle`;
    const { json: cur } = await rep1('GET', path);
    const r = await rep1('PUT', path, { stage: 'decline', ladder: 'partner' }, ifMatch(cur.version));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.stage, 'decline');
    assert.equal(r.json.ladder, 'partner');
    assert.equal(r.json.stage_overridden, true);
    assert.equal(r.json.ladder_overridden, true);
    assert.equal(r.json.version, cur.version + 1);
    assert.equal(r.headers.get('etag'), `"${cur.version + 1}"`);
    const top = r.json.history.filter((h) => h.source === 'override');
    assert.equal(top.length, 2);
    assert.ok(top.every((h) => h.user_id === env.ids.rep1 && h.user_name));

    const run = await runLifecycleJob();
    assert.equal(run.stages_changed, 0);
    const kept = await rep1('GET', path);
    assert.equal(kept.json.stage, 'decline');
    assert.equal(kept.json.ladder, 'partner');

    const cleared = await rep1('PUT', path, { clear_override: 'both' }, ifMatch(kept.json.version));
    assert.equal(cleared.status, 200, cleared.text);
    assert.equal(cleared.json.stage, 'stability');
    assert.equal(cleared.json.ladder, 'repeat_buyer');
    assert.equal(cleared.json.stage_overridden, false);
    assert.equal(cleared.json.ladder_overridden, false);
    assert.deepEqual(cleared.json.history.slice(0, 2).map((h) => h.source), ['override_cleared', 'override_cleared']);
  });

  test('a stage set through PATCH /customers is an override the job keeps', async () => {
    const c = await rep1('GET', `/api/v1/customers/${fresh.id}`);
    const p = await rep1('PATCH', `/api/v1/customers/${fresh.id}`, { lifecycle_stage: 'formation' }, ifMatch(c.json.version));
    assert.equal(p.status, 200, p.text);
    const r = await rep1('GET', `/api/v1/customers/${fresh.id}/lifecycle`);
    assert.equal(r.json.stage, 'formation');
    assert.equal(r.json.stage_overridden, true);
    assert.equal(r.json.derived.stage, 'exploration');
    assert.equal(r.json.history[0].source, 'override');
    assert.equal(r.json.history[0].from, 'exploration');
    assert.equal(r.json.history[0].to, 'formation');
    await runLifecycleJob();
    const after = await rep1('GET', `/api/v1/customers/${fresh.id}`);
    assert.equal(after.json.lifecycle_stage, 'formation');
  });
});
