// The scheduler survives SIGKILL: a visit_plans job that is running when its
// server is killed is taken over after the lease runs out (by the restarted
// server on the same database), and afterwards every customer has exactly one
// open return visit — nothing lost, nothing doubled (the generated tasks'
// dedupe keys make the rerun create only what is missing). Then two replicas
// on one database: a manual job runs once.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tempDb, startServer, apiClient } from '../lib/server.mjs';
import { addUserAsync, createTokenAsync, listAll, parallel, run, sleep } from '../lib/api-helpers.mjs';

const CUSTOMERS = 300;
const KILL_DELAY_MS = Number(process.env.GUANXI_KILL_DELAY_MS || 0);
const SCHED_ARGS = ['--scheduler-poll-seconds', '1', '--job-lease-seconds', '3'];

async function waitJob(api, id, want, ms) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await api('GET', `/api/v1/jobs/${id}`);
    assert.equal(r.status, 200, r.text);
    if (want(r.json)) return r.json;
    if (Date.now() > until) throw new Error(`job ${id} is ${JSON.stringify(r.json)} after ${ms} ms`);
    await sleep(20);
  }
}

// Open return visits per customer id (every open task is read and the return
// visits counted here, so the count does not depend on a list filter).
async function openReturnVisits(api) {
  const { items } = await listAll(api, '/api/v1/tasks?status=open', { limit: 200, maxPages: 100 });
  const per = new Map();
  for (const t of items) {
    assert.equal(t.status, 'open');
    if (t.kind !== 'return_visit') continue;
    per.set(t.customer_id, (per.get(t.customer_id) || 0) + 1);
  }
  return per;
}

// The job as stored, read by the CLI while no server runs.
async function storedJob(db, id) {
  const r = await run(['jobs', 'list', '--db', db, '--kind', 'visit_plans', '--format', 'json', '--limit', '50']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).items.find((j) => j.id === id);
}

describe('SIGKILL during a visit_plans job', () => {
  let tmp, server, token, bossId;
  const api = () => apiClient(server.baseUrl, token);

  before(async () => {
    tmp = tempDb();
    bossId = await addUserAsync(tmp.db, 'boss', 'admin');
    token = await createTokenAsync(tmp.db, 'boss');
    server = await startServer({ db: tmp.db, extraArgs: SCHED_ARGS });
  });
  after(async () => {
    await server?.stop();
    tmp?.cleanup();
  });

  test('the job is taken over after the restart; every customer has exactly one open return visit', async (t) => {
    const ids = await parallel(Array.from({ length: CUSTOMERS }, (_, i) => i), 16, async (i) => {
      const r = await api()('POST', '/api/v1/customers', { kind: 'organization', name: `回访客户${i}`, owner_user_id: bossId });
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    });
    const plan = await api()('POST', '/api/v1/visit-plans', {
      name: '全部客户月度回访', class_kind: 'all', class_value: '', interval_days: 30, task_title: '回访', position: 1,
    });
    assert.equal(plan.status, 201, `the visit plan route (helper "plans"): ${plan.text}`);

    const queued = await api()('POST', '/api/v1/jobs', { kind: 'visit_plans' });
    assert.equal(queued.status, 202, queued.text);
    const id = queued.json.id;
    // (Pool customers, without an owner, get no return visit: every one here has one.)
    // Kill while it runs: the 202 wakes the poll thread, which claims the job
    // at once; as soon as it is seen running (or after a bounded wait) the
    // server is killed, plus KILL_DELAY_MS so that some tasks were written.
    for (const until = Date.now() + 5000; Date.now() < until;) {
      const r = await api()('GET', `/api/v1/jobs/${id}`);
      if (r.status === 200 && r.json.status !== 'queued') break;
    }
    await sleep(KILL_DELAY_MS);
    const killed = new Promise((resolve) => server.child.once('exit', (code, signal) => resolve({ code, signal })));
    server.child.kill('SIGKILL');
    assert.equal((await killed).signal, 'SIGKILL');
    const seen = await storedJob(tmp.db, id);
    const partial = seen.status === 'running' ? 'mid-run' : 'not mid-run';
    t.diagnostic(`job ${id} was ${seen.status} (attempts ${seen.attempts}) when the server was killed: ${partial}`);

    server = await startServer({ db: tmp.db, extraArgs: SCHED_ARGS });
    const done = await waitJob(api(), id, (j) => j.status === 'done' || j.status === 'failed', 60000);
    assert.equal(done.status, 'done', JSON.stringify(done));
    if (seen.status === 'running') {
      assert.ok(done.attempts >= 2, `a job killed while running runs again: ${JSON.stringify(done)}`);
      assert.notEqual(done.lease_owner, seen.lease_owner);
    }

    const per = await openReturnVisits(api());
    for (const cid of ids) assert.equal(per.get(cid), 1, `customer ${cid} has ${per.get(cid) || 0} open return visits`);
    assert.equal(per.size, ids.length, 'no return visits for other customers');

    // Running it again changes nothing.
    const again = await api()('POST', '/api/v1/jobs', { kind: 'visit_plans' });
    assert.equal(again.status, 202, again.text);
    await waitJob(api(), again.json.id, (j) => j.status === 'done', 30000);
    const after2 = await openReturnVisits(api());
    assert.deepEqual([...after2.values()].filter((n) => n !== 1), []);
    assert.equal(after2.size, ids.length);
  });
});

describe('two replicas on one database', () => {
  let tmp, a, b, token;

  before(async () => {
    tmp = tempDb();
    await addUserAsync(tmp.db, 'boss', 'admin');
    token = await createTokenAsync(tmp.db, 'boss');
    [a, b] = await Promise.all([
      startServer({ db: tmp.db, extraArgs: SCHED_ARGS }),
      startServer({ db: tmp.db, extraArgs: SCHED_ARGS }),
    ]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    tmp?.cleanup();
  });

  test('a manual job queued through one replica runs once; each slot job exists once', async () => {
    const viaA = apiClient(a.baseUrl, token);
    const viaB = apiClient(b.baseUrl, token);
    const r = await viaA('POST', '/api/v1/jobs', { kind: 'forecast_snapshot' });
    assert.equal(r.status, 202, r.text);
    const done = await waitJob(viaB, r.json.id, (j) => j.status === 'done' || j.status === 'failed', 20000);
    assert.equal(done.status, 'done', JSON.stringify(done));
    assert.equal(done.attempts, 1, 'claimed by exactly one replica');
    // Both replicas polled every second for a while: one row per slot key.
    await sleep(2500);
    const { items } = await listAll(viaB, '/api/v1/jobs', { limit: 200 });
    const keys = items.map((j) => j.key);
    assert.equal(new Set(keys).size, keys.length);
    for (const j of items) {
      if (j.status === 'done') assert.equal(j.attempts, 1, JSON.stringify(j));
    }
  });
});
