// Crash safety: clients write as fast as they can while the server is killed
// with SIGKILL. Every create that was acknowledged with 201 must survive, and
// the database must pass `guanxi db check` afterwards.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, listAll, q, run, sleep } from '../lib/api-helpers.mjs';

let env;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }] });
});
after(async () => { await env?.stop(); });

const LOOPS = 16;
const DURATION_MS = 1500;

async function writeUntilKilled(round) {
  // A previous round that failed before restarting left no server to kill.
  if (env.server.child.exitCode !== null || env.server.child.signalCode !== null) await env.restart();
  const api = env.as('boss');
  const acked = [];
  const errors = new Map();
  let stop = false;
  const started = Date.now();
  const loops = Array.from({ length: LOOPS }, async (_, loop) => {
    for (let seq = 0; !stop; seq++) {
      const name = `崩溃测试${round}-${loop}-${seq}`;
      try {
        const r = await api('POST', '/api/v1/customers', { kind: 'organization', name, tags: [`crash${round}`], notes: '写入压力'.repeat(50) });
        if (r.status === 201) acked.push({ id: r.json.id, name: r.json.name, sent: name });
        else errors.set(r.status, (errors.get(r.status) || 0) + 1);
      } catch (e) {
        const k = e.cause?.code || e.message;
        errors.set(k, (errors.get(k) || 0) + 1);
        await sleep(5);
      }
    }
  });
  // Kill somewhere in the middle of the burst: after some writes were
  // acknowledged (a slow, busy machine may need longer), at a random moment.
  while (acked.length < 10 && Date.now() - started < 5000) await sleep(10);
  await sleep(Math.max(0, 500 - (Date.now() - started)) + Math.floor(Math.random() * 600));
  const killed = new Promise((resolve) => env.server.child.once('exit', (code, signal) => resolve({ code, signal })));
  env.server.child.kill('SIGKILL');
  const exit = await killed;
  // Keep hammering the dead port until ~1.5 s have passed in all.
  await sleep(Math.max(100, DURATION_MS - (Date.now() - started)));
  stop = true;
  await Promise.all(loops);
  return { acked, errors, exit };
}

for (const round of [1, 2]) {
  test(`round ${round}: SIGKILL under write load loses no acknowledged create; db check says ok`, async (t) => {
    const { acked, errors, exit } = await writeUntilKilled(round);
    t.diagnostic(`${acked.length} creates acknowledged before SIGKILL; client errors: ${JSON.stringify([...errors])}`);
    assert.equal(exit.signal, 'SIGKILL');
    assert.ok(acked.length >= 10, `only ${acked.length} creates acknowledged before the kill (errors: ${JSON.stringify([...errors])})`);
    for (const a of acked) assert.equal(a.name, a.sent);
    assert.equal(new Set(acked.map((a) => a.id)).size, acked.length, 'no id acknowledged twice');
    for (const k of errors.keys()) assert.equal(typeof k, 'string', `HTTP error status before the kill: ${JSON.stringify([...errors])}`);

    await env.restart();
    const { items } = await listAll(env.as('boss'), `/api/v1/customers?${q({ tag: `crash${round}` })}`, { limit: 200 });
    const byId = new Map(items.map((c) => [c.id, c]));
    const missing = acked.filter((a) => !byId.has(a.id));
    assert.equal(missing.length, 0, `${missing.length} of ${acked.length} acknowledged creates missing after restart, e.g. ${JSON.stringify(missing.slice(0, 3))}`);
    for (const a of acked) assert.equal(byId.get(a.id).name, a.name, `customer ${a.id}`);
    // Anything else that made it in is one of ours, complete, at version 1.
    for (const c of items) {
      assert.match(c.name, new RegExp(`^崩溃测试${round}-\\d+-\\d+$`));
      assert.equal(c.version, 1);
    }
    // Every acknowledged customer is also findable by search (indexes survived).
    const sample = acked[Math.floor(acked.length / 2)];
    const s = await env.as('boss')('GET', `/api/v1/customers?${q({ q: sample.name })}`);
    assert.ok(s.json.items.some((c) => c.id === sample.id), `search finds ${sample.name}`);

    const stopped = await env.server.stop();
    assert.equal(stopped.code, 0);
    const check = await run(['db', 'check', '--db', env.db]);
    assert.equal(check.code, 0, check.stderr);
    assert.equal(check.stdout.trim(), 'ok');
    await env.restart();
  });
}
