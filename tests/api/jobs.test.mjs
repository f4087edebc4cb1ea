// The scheduler's jobs API: admin only, POST runs a registered kind (polled
// until done, bounded), an unknown kind is 422 naming `kind`, the list pages
// newest first, and the CLI lists the same jobs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, listAll, run, sleep } from '../lib/api-helpers.mjs';

let env;

before(async () => {
  env = await setupEnv({
    users: [{ login: 'boss', role: 'admin' }, { login: 'rep', role: 'sales' }, { login: 'ana', role: 'analyst' }],
    serverArgs: ['--scheduler-poll-seconds', '1', '--job-lease-seconds', '3'],
  });
});
after(async () => { await env?.stop(); });

async function waitFinished(api, id, ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    const r = await api('GET', `/api/v1/jobs/${id}`);
    assert.equal(r.status, 200, r.text);
    if (r.json.status === 'done' || r.json.status === 'failed') return r.json;
    if (Date.now() > until) throw new Error(`job ${id} still ${r.json.status} after ${ms} ms`);
    await sleep(100);
  }
}

test('non-admins get 403 on every jobs route', async () => {
  for (const who of ['rep', 'ana']) {
    const api = env.as(who);
    assertProblem(await api('GET', '/api/v1/jobs'), 403);
    assertProblem(await api('GET', '/api/v1/jobs/1'), 403);
    assertProblem(await api('GET', '/api/v1/job-kinds'), 403);
    assertProblem(await api('POST', '/api/v1/jobs', { kind: 'forecast_snapshot' }), 403);
  }
  assertProblem(await env.anon('GET', '/api/v1/jobs'), 401);
});

test('the registered kinds include the server jobs', async () => {
  const r = await env.as('boss')('GET', '/api/v1/job-kinds');
  assert.equal(r.status, 200, r.text);
  const byKind = Object.fromEntries(r.json.items.map((k) => [k.kind, k]));
  assert.equal(byKind.analytics.schedule, 'daily');
  assert.equal(typeof byKind.analytics.hour, 'number');
  assert.equal(byKind.forecast_snapshot.schedule, 'every');
  assert.equal(byKind.forecast_snapshot.interval_seconds, 600);
});

test('POST /jobs queues a job that runs to done', async () => {
  const api = env.as('boss');
  const before = Math.floor(Date.now() / 1000);
  const r = await api('POST', '/api/v1/jobs', { kind: 'forecast_snapshot' });
  assert.equal(r.status, 202, r.text);
  assert.equal(r.json.kind, 'forecast_snapshot');
  assert.match(r.json.key, /^forecast_snapshot:manual:\d+$/);
  assert.ok(Number(r.json.key.split(':')[2]) >= before);
  assert.equal(r.headers.get('location'), `/api/v1/jobs/${r.json.id}`);
  assert.ok(['queued', 'running', 'done'].includes(r.json.status));
  const done = await waitFinished(api, r.json.id);
  assert.equal(done.status, 'done', JSON.stringify(done));
  assert.equal(done.attempts, 1);
  assert.equal(done.error, '');
  assert.match(done.result.week, /^\d{4}-\d{2}-\d{2}$/);
  assert.equal(done.lease_owner, null);
  assert.ok(done.finished_at >= done.started_at);

  // The list shows it, filtered by kind and status.
  const list = await api('GET', '/api/v1/jobs?kind=forecast_snapshot&status=done');
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.some((j) => j.id === done.id));
  assert.ok(list.json.items.every((j) => j.kind === 'forecast_snapshot' && j.status === 'done'));
});

test('an unknown kind is 422 naming kind; bad queries are 400', async () => {
  const api = env.as('boss');
  assertProblem(await api('POST', '/api/v1/jobs', { kind: 'no_such_job' }), 422, 'kind');
  assertProblem(await api('POST', '/api/v1/jobs', {}), 422, 'kind');
  assertProblem(await api('POST', '/api/v1/jobs', { kind: 'analytics', extra: 1 }), 422, 'extra');
  assertProblem(await api('GET', '/api/v1/jobs?status=sleeping'), 400, 'status');
  assertProblem(await api('GET', '/api/v1/jobs?limit=0'), 400, 'limit');
  assertProblem(await api('GET', '/api/v1/jobs?after=x'), 400, 'after');
  assertProblem(await api('GET', '/api/v1/jobs/999999'), 404);
});

test('the list pages newest first and the CLI shows the same jobs', async () => {
  const api = env.as('boss');
  const { items } = await listAll(api, '/api/v1/jobs', { limit: 1 });
  assert.ok(items.length >= 2);
  for (let i = 1; i < items.length; i++) assert.ok(items[i - 1].id > items[i].id);
  const cli = await run(['jobs', 'list', '--db', env.db, '--format', 'json']);
  assert.equal(cli.code, 0, cli.stderr);
  const fromCli = JSON.parse(cli.stdout).items.map((j) => j.id);
  assert.deepEqual(fromCli, items.map((j) => j.id));
  const bad = await run(['jobs', 'run', '--db', env.db, '--kind', 'no_such_job']);
  assert.equal(bad.code, 2);
});
