// Graceful shutdown: SIGTERM with requests in flight. Every request the client
// had fully sent gets its answer, the process exits 0, and every acknowledged
// create is there after a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, openConnection, gauge, listAll, q, sleep } from '../lib/api-helpers.mjs';

let env;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }] });
});
after(async () => { await env?.stop(); });

// 50 concurrent POSTs, each with a 10 000-character note (trigram indexing makes
// them slow-ish). The connections are opened first and the test waits until the
// server reports them open (accepted, not waiting in the listen backlog); then
// every request is written in full, and only then is SIGTERM sent.
async function burstThenTerm(round) {
  const port = env.server.port;
  const token = env.tokens.boss;
  const N = 50;
  const notes = '云栖科技合作备忘录，'.repeat(1000);
  const conns = await Promise.all(Array.from({ length: N }, () => openConnection(port)));
  for (let i = 0; i < 200; i++) {
    // The /metrics request itself holds one more connection.
    if (await gauge(env.baseUrl, 'guanxi_http_open_connections') >= N + 1) break;
    await sleep(10);
  }
  assert.ok(await gauge(env.baseUrl, 'guanxi_http_open_connections') >= N + 1, 'server accepted all connections');
  await Promise.all(conns.map((c, i) => c.send('POST', '/api/v1/customers', {
    authorization: `Bearer ${token}`, 'content-type': 'application/json',
  }, JSON.stringify({ kind: 'organization', name: `停机测试${round}-${i}`, notes, tags: [`shutdown${round}`] }))));
  const exited = new Promise((resolve) => env.server.child.once('exit', (code, signal) => resolve({ code, signal })));
  env.server.child.kill('SIGTERM');
  const results = await Promise.allSettled(conns.map((c) => c.response));
  const exit = await exited;
  return { results, exit, stderr: env.server.stderr() };
}

for (const round of [1, 2]) {
  test(`round ${round}: SIGTERM with 50 POSTs in flight → all answered 2xx, exit 0, all present after restart`, async () => {
    if (round === 2) await env.restart();
    const { results, exit, stderr } = await burstThenTerm(round);
    const acked = results.filter((r) => r.status === 'fulfilled' && r.value.status === 201).map((r) => JSON.parse(r.value.body));

    await env.restart();
    const { items } = await listAll(env.as('boss'), `/api/v1/customers?${q({ tag: `shutdown${round}` })}`, { limit: 200 });
    const byId = new Map(items.map((c) => [c.id, c]));
    for (const c of acked) {
      assert.ok(byId.has(c.id), `acknowledged customer ${c.id} ${c.name} missing after restart`);
      assert.equal(byId.get(c.id).name, c.name);
    }

    assert.deepEqual(exit, { code: 0, signal: null }, `exit; stderr: ${stderr}`);
    const failures = results.map((r, i) => [i, r]).filter(([, r]) => r.status === 'rejected' || r.value.status < 200 || r.value.status > 299);
    const summary = failures.map(([i, r]) => `#${i}: ${r.status === 'rejected' ? r.reason.message : `${r.value.status} ${r.value.body.slice(0, 120)}`}`);
    assert.equal(failures.length, 0,
      `${failures.length} of 50 requests fully sent on accepted connections before SIGTERM got no 2xx answer ` +
      `(${items.length - acked.length} of them were nevertheless committed):\n${summary.slice(0, 5).join('\n')}`);
    assert.equal(acked.length, 50);
  });
}
