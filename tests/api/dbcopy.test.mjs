// `guanxi db copy`: a whole database moved between backends, checked by the
// report and by serving the copy. On the SQLite run it copies file → file; on
// the PostgreSQL run it copies PostgreSQL → SQLite file → a new PostgreSQL
// database, so every direction is exercised between the two runs.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { tempDb, startServer, apiClient, backend, psql } from '../lib/server.mjs';
import { setupEnv, createCustomer, run, login, listAll, PASSWORD } from '../lib/api-helpers.mjs';

let env, admin;
const extra = [];  // databases made here, dropped at the end

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }, { login: 'rep', role: 'sales', team: '华东' }] });
  admin = env.as('boss');
  await createCustomer(admin, { name: '杭州云栖科技有限公司', notes: '雲棲 老客户', tags: ['重点', 'VIP'], owner_user_id: env.ids.rep });
  await createCustomer(admin, { name: 'ＡＢＣ贸易有限公司', phone: '13900001111', external_id: 'EXT-1' });
  const c = await createCustomer(admin, { name: '王伟', kind: 'individual' });
  const r = await admin('PATCH', `/api/v1/customers/${c.id}`, { notes: '改过一次' }, { 'if-match': '"1"' });
  assert.equal(r.status, 200, r.text);
  const contact = await admin('POST', '/api/v1/contacts', { customer_id: c.id, name: '王经理', phone: '13800001234' });
  assert.equal(contact.status, 201, contact.text);
  assert.equal((await admin('POST', `/api/v1/customers/${c.id}/archive`)).status, 200);
});

after(async () => {
  await env?.stop();
  for (const t of extra) t.cleanup();
});

function parseReport(r) {
  assert.equal(r.code, 0, `db copy failed (${r.code}): ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  assert.equal(report.ok, true);
  assert.ok(report.tables.every((t) => t.matches), JSON.stringify(report.tables));
  return Object.fromEntries(report.tables.map((t) => [t.table, t]));
}

// Everything a client can see of a database, through a server on it.
async function snapshot(db) {
  const server = await startServer({ db });
  try {
    const s = await login(server.baseUrl, 'boss');
    assert.equal(s.status, 200, 'the copied password hash still verifies');
    const api = apiClient(server.baseUrl, env.tokens.boss);  // the copied token hash still matches
    const customers = (await listAll(api, '/api/v1/customers?archived=all', { limit: 2 })).items;
    const search = {};
    for (const q of ['云栖', '雲棲', 'abc', '王', '13900001111']) {
      search[q] = (await api('GET', `/api/v1/customers?q=${encodeURIComponent(q)}&archived=all`)).json.items.map((c) => c.id);
    }
    const audit = (await listAll(api, '/api/v1/audit', { limit: 200 })).items.filter((e) => e.action !== 'login');
    const contacts = (await api('GET', `/api/v1/customers/${customers.find((c) => c.name === '王伟').id}/contacts`)).json;
    const users = (await api('GET', '/api/v1/users')).json;
    return { customers, search, audit, contacts, users, api, server };
  } catch (e) {
    await server.stop();
    throw e;
  }
}

describe('db copy', () => {
  test('copies every table with matching counts and checksums; the copy serves the same data', async () => {
    const hops = [];
    if (backend() === 'postgresql') {
      hops.push({ to: path.join(env.dir, 'from-pg.db') });
      const pg = tempDb();
      extra.push(pg);
      hops.push({ to: pg.db });
    } else {
      hops.push({ to: path.join(env.dir, 'copy.db') });
    }
    await env.server.stop();  // copy a database nobody writes to, as the docs say
    let expected = await snapshot(env.db);
    await expected.server.stop();
    let from = env.db;
    for (const hop of hops) {
      const tables = parseReport(await run(['db', 'copy', '--from', from, '--to', hop.to, '--format', 'json']));
      assert.equal(tables.customer.source_rows, expected.customers.length);
      assert.equal(tables.contact.destination_rows, 1);
      assert.equal(tables.app_user.source_rows, 2);
      assert.equal(tables.team.source_rows, 1);
      assert.equal(tables.api_token.source_rows, 2);
      assert.ok(tables.audit_log.source_rows >= 6);
      assert.equal(tables.customer.source_sha256, tables.customer.destination_sha256);
      const after = await snapshot(hop.to);
      try {
        assert.deepEqual(after.customers, expected.customers);
        assert.deepEqual(after.search, expected.search);
        assert.deepEqual(after.contacts, expected.contacts);
        assert.deepEqual(after.users, expected.users);
        assert.deepEqual(after.audit, expected.audit);
        assert.equal(after.search['雲棲'].length, 1);
        // New ids continue after the copied ones.
        const made = await after.api('POST', '/api/v1/customers', { kind: 'organization', name: '复制后新建' });
        assert.equal(made.status, 201, made.text);
        assert.equal(made.json.id, Math.max(...expected.customers.map((c) => c.id)) + 1);
      } finally {
        await after.server.stop();
      }
      const check = await run(['db', 'check', '--db', hop.to]);
      assert.equal(check.stdout.trim(), 'ok', check.stderr);
      // What the next hop must reproduce: this copy with its new customer.
      expected = await snapshot(hop.to);
      await expected.server.stop();
      from = hop.to;
    }
    await env.restart();
  });

  test('refuses a destination that holds data, an existing file, and bad arguments; nothing is changed', async () => {
    const target = path.join(env.dir, 'nonempty.db');
    let r = await run(['db', 'copy', '--from', env.db, '--to', target, '--format', 'json']);
    parseReport(r);
    const size = statSync(target).size;
    r = await run(['db', 'copy', '--from', env.db, '--to', target]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /exists/);
    assert.equal(statSync(target).size, size);
    if (backend() === 'postgresql') {
      // The database the server uses holds data: refused, and its rows are intact.
      const count = await run(['customers', 'export', '--db', env.db, '--format', 'json']);
      r = await run(['db', 'copy', '--from', target, '--to', env.db]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /already holds data/);
      const again = await run(['customers', 'export', '--db', env.db, '--format', 'json']);
      assert.equal(again.stdout, count.stdout);
    }
    const garbage = path.join(env.dir, 'garbage.db');
    writeFileSync(garbage, Buffer.alloc(8192, 0x41));
    r = await run(['db', 'copy', '--from', garbage, '--to', path.join(env.dir, 'never.db')]);
    assert.equal(r.code, 1);
    assert.ok(!existsSync(path.join(env.dir, 'never.db')), 'a failed copy leaves no file behind');
    r = await run(['db', 'copy', '--from', env.db]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--to/);
    r = await run(['db', 'copy', '--from', env.db, '--to', env.db]);
    assert.equal(r.code, 2);
    r = await run(['db', 'copy', '--from', path.join(env.dir, 'missing.db'), '--to', path.join(env.dir, 'x.db')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /does not exist/);
  });

  test('db check on PostgreSQL finds search columns that disagree with the row', { skip: backend() !== 'postgresql' && 'PostgreSQL only' }, async () => {
    const scratch = tempDb();
    extra.push(scratch);
    parseReport(await run(['db', 'copy', '--from', path.join(env.dir, 'nonempty.db'), '--to', scratch.db, '--format', 'json']));
    assert.equal((await run(['db', 'check', '--db', scratch.db])).code, 0);
    psql(scratch.db, "UPDATE customer SET search_text = 'tampered' WHERE id = 1");
    psql(scratch.db, 'DELETE FROM customer_tag WHERE customer_id = 1');
    const r = await run(['db', 'check', '--db', scratch.db]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /stale search columns/);
    assert.match(r.stdout, /customer_tag: 2 rows disagree/);
  });
});
