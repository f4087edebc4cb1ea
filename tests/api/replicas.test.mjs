// Two server processes on one database, as behind a load balancer. Clients
// create and edit the same customers through both at once; afterwards every
// acknowledged write is there, every edit that did not win was a 409 (none was
// lost silently), and the audit log has exactly one entry per change. Then the
// state a replica must not keep to itself: caches of user names and tokens
// follow changes made on the other replica, and login throttling counts
// attempts made on either.
//
// Runs on both backends: an SQLite file can be shared by two processes on one
// machine too; the cross-replica cache checks need PostgreSQL's notifications.
import test, { describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { tempDb, startServer, apiClient, backend, psql } from '../lib/server.mjs';
import {
  addUserAsync, createTokenAsync, assertProblem, listAll, login, PASSWORD, parallel, run,
} from '../lib/api-helpers.mjs';

describe('two replicas on one database', () => {
  let tmp, a, b, tokens = {}, ids = {};
  const via = (server, who = 'boss') => apiClient(server.baseUrl, tokens[who]);

  before(async () => {
    tmp = tempDb();
    ids.boss = await addUserAsync(tmp.db, 'boss', 'admin');
    ids.rep = await addUserAsync(tmp.db, 'rep', 'sales');
    tokens.boss = await createTokenAsync(tmp.db, 'boss');
    tokens.rep = await createTokenAsync(tmp.db, 'rep');
    [a, b] = await Promise.all([startServer({ db: tmp.db }), startServer({ db: tmp.db })]);
  });

  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    tmp?.cleanup();
  });

  test('concurrent creates and edits through both: nothing acknowledged is lost, losers get 409, one audit row per change', async () => {
    const servers = [a, b];
    // 12 shared customers, created alternately through each replica.
    const shared = [];
    for (let i = 0; i < 12; i++) {
      const r = await via(servers[i % 2])('POST', '/api/v1/customers',
        { kind: 'organization', name: `共享客户${i}`, owner_user_id: ids.rep });
      assert.equal(r.status, 201, r.text);
      shared.push(r.json.id);
    }
    const acked = new Map(shared.map((id) => [id, []]));  // id -> [{version, marker}]
    const created = [];
    let conflicts = 0;
    let seq = 0;
    // 8 clients × 25 operations, each on a random replica: read, then edit with
    // If-Match (a stale read loses with 409), or create a new customer.
    await parallel(Array.from({ length: 8 }, (_, k) => k), 8, async (k) => {
      for (let n = 0; n < 25; n++) {
        const server = servers[(k + n) % 2];
        const api = via(server);
        if (n % 5 === 4) {
          const r = await api('POST', '/api/v1/customers', { kind: 'individual', name: `新客户${k}-${n}` });
          assert.equal(r.status, 201, r.text);
          created.push(r.json.id);
          continue;
        }
        const id = shared[(k * 7 + n * 3) % shared.length];
        const got = await via(servers[(k + n + 1) % 2])('GET', `/api/v1/customers/${id}`);
        assert.equal(got.status, 200, got.text);
        const marker = `client ${k} op ${n} #${++seq}`;
        const r = await api('PATCH', `/api/v1/customers/${id}`, { notes: marker },
          { 'if-match': got.headers.get('etag') });
        if (r.status === 409) { conflicts++; assertProblem(r, 409); continue; }
        assert.equal(r.status, 200, r.text);
        acked.get(id).push({ version: r.json.version, marker });
      }
    });

    let updates = 0;
    for (const id of shared) {
      const wins = acked.get(id).sort((x, y) => x.version - y.version);
      updates += wins.length;
      // Each acknowledged edit made its own version: 2, 3, … with no gaps or twins.
      assert.deepEqual(wins.map((w) => w.version), wins.map((_, i) => i + 2), `versions of ${id}`);
      const final = await via(a)('GET', `/api/v1/customers/${id}`);
      assert.equal(final.json.version, wins.length + 1);
      if (wins.length) assert.equal(final.json.notes, wins[wins.length - 1].marker);
      const audit = await listAll(via(b), `/api/v1/audit?entity=customer&entity_id=${id}`, { limit: 200 });
      const actions = audit.items.map((e) => e.action).sort();
      assert.deepEqual(actions, ['create', ...Array(wins.length).fill('update')], `audit of ${id}`);
    }
    assert.ok(updates >= 12, `some edits won (${updates})`);
    assert.ok(conflicts > 0, 'stale edits were refused with 409');
    assert.equal(updates + conflicts + created.length, 8 * 25);
    // Every acknowledged create is readable through either replica, exactly once.
    assert.equal(new Set(created).size, created.length);
    for (const id of created) {
      assert.equal((await via(b)('GET', `/api/v1/customers/${id}`)).status, 200);
      const audit = await via(a)('GET', `/api/v1/audit?entity=customer&entity_id=${id}`);
      assert.deepEqual(audit.json.items.map((e) => e.action), ['create']);
    }
    const all = await listAll(via(a), '/api/v1/customers', { limit: 200 });
    assert.equal(all.items.length, shared.length + created.length);
  });

  test('login throttling counts failures made on either replica', async () => {
    for (let i = 0; i < 5; i++) {
      const r = await login([a, b][i % 2].baseUrl, 'rep', `wrong-password-${i}`);
      assert.equal(r.status, 401, r.text);
    }
    for (const server of [a, b]) {
      const r = await login(server.baseUrl, 'rep', PASSWORD);
      assert.equal(r.status, 429, `replica ${server.port}: ${r.text}`);
      assert.ok(Number(r.headers.get('retry-after')) > 0);
    }
  });

  test('a rename or a revoked token on one replica is seen by the other at once', { skip: backend() !== 'postgresql' && 'needs PostgreSQL notifications between processes' }, async () => {
    const c = await via(a)('POST', '/api/v1/customers', { kind: 'organization', name: '缓存测试', owner_user_id: ids.rep });
    assert.equal(c.status, 201);
    // Fill replica b's owner-name cache.
    assert.equal((await via(b)('GET', `/api/v1/customers/${c.json.id}`)).json.owner_name, 'rep');
    const u = await via(a)('GET', `/api/v1/users/${ids.rep}`);
    const renamed = await via(a)('PATCH', `/api/v1/users/${ids.rep}`, { display_name: '王销售' },
      { 'if-match': u.headers.get('etag') });
    assert.equal(renamed.status, 200, renamed.text);
    let seen = '';
    for (let i = 0; i < 50 && seen !== '王销售'; i++) {
      seen = (await via(b)('GET', `/api/v1/customers/${c.json.id}`)).json.owner_name;
      if (seen !== '王销售') await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(seen, '王销售', 'replica b shows the new name within a second');

    // A token used on b (and so cached there), revoked on a, stops working on b.
    const t = await via(a, 'rep')('POST', '/api/v1/tokens', { name: 'short-lived' });
    assert.equal(t.status, 201, t.text);
    const shortLived = apiClient(b.baseUrl, t.json.token);
    assert.equal((await shortLived('GET', '/api/v1/customers')).status, 200);
    assert.equal((await via(a, 'rep')('DELETE', `/api/v1/tokens/${t.json.id}`)).status, 204);
    let status = 200;
    for (let i = 0; i < 50 && status === 200; i++) {
      status = (await shortLived('GET', '/api/v1/customers')).status;
      if (status === 200) await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(status, 401, 'the revoked token is refused by replica b within a second');
  });
});

test('replicas starting together on a new database apply each migration once', async () => {
  const fresh = tempDb();
  try {
    const servers = await Promise.all([startServer({ db: fresh.db }), startServer({ db: fresh.db }), startServer({ db: fresh.db })]);
    try {
      for (const s of servers) assert.equal((await fetch(`${s.baseUrl}/healthz`)).status, 200);
      if (backend() === 'postgresql') {
        const rows = psql(fresh.db, 'SELECT version FROM schema_migration ORDER BY version').trim().split('\n');
        assert.deepEqual(rows.map(Number), rows.map((_, i) => i + 1), 'each migration recorded once, in order');
        assert.ok(rows.length >= 2);
      }
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    const check = await run(['db', 'check', '--db', fresh.db]);
    assert.equal(check.stdout.trim(), 'ok', check.stderr);
  } finally {
    fresh.cleanup();
  }
});
