// The command line: user and token administration, customer listing/export,
// db check and backup — also while a server runs on the same database.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { apiClient, backend, pgDatabaseUrl } from '../lib/server.mjs';
import { setupEnv, createCustomer, run, PASSWORD, login } from '../lib/api-helpers.mjs';

let env, admin, yunqi, tricky, formula, archived;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }] });
  admin = env.as('boss');
  yunqi = await createCustomer(admin, { name: '杭州云栖科技有限公司', province: '浙江省', city: '杭州市', tags: ['云计算', 'VIP'], phone: '13812345678' });
  tricky = await createCustomer(admin, { name: '逗号, "引号" 公司', notes: '第一行, 有逗号\n第二行 "有引号"\r\n第三行' });
  formula = await createCustomer(admin, { name: '=HYPERLINK("http://x")', notes: '+1 -1 @x' });
  archived = await createCustomer(admin, { name: '已归档客户' });
  assert.equal((await admin('POST', `/api/v1/customers/${archived.id}/archive`)).status, 200);
  const ct = await admin('POST', '/api/v1/contacts', { customer_id: yunqi.id, name: '马云栖', phone: '13900001111' });
  assert.equal(ct.status, 201);
});
after(async () => { await env?.stop(); });

// RFC 4180: fields separated by commas, quoted fields may hold commas, quotes ("") and line breaks.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"' && field === '') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\n' || (ch === '\r' && text[i + 1] === '\n')) {
      row.push(field); rows.push(row); row = []; field = '';
      i += ch === '\r' ? 2 : 1; continue;
    }
    field += ch; i++;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

describe('user add and token create', () => {
  test('user add with a bad role → exit 2 and a message naming --role; nothing created', async () => {
    const r = await run(['user', 'add', '--db', env.db, '--login', 'badrole', '--role', 'emperor', '--password-stdin'], PASSWORD);
    assert.notEqual(r.code, 0);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--role must be admin, manager, sales, service or analyst/);
    const users = await admin('GET', '/api/v1/users');
    assert.ok(!users.json.items.some((u) => u.login === 'badrole'));
  });

  test('user add failures: short password, duplicate login, missing options → non-zero with a message', async () => {
    let r = await run(['user', 'add', '--db', env.db, '--login', 'shorty', '--role', 'sales', '--password-stdin'], 'short');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /password/);
    r = await run(['user', 'add', '--db', env.db, '--login', 'boss', '--role', 'sales', '--password-stdin'], PASSWORD);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /login/);
    r = await run(['user', 'add', '--db', env.db, '--login', 'nopw', '--role', 'sales'], PASSWORD);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--password-stdin/);
    r = await run(['user', 'add', '--db', env.db, '--role', 'sales', '--password-stdin'], PASSWORD);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--login/);
    r = await run(['user', 'add', '--login', 'nodb', '--role', 'sales', '--password-stdin'], PASSWORD);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--db/);
    r = await run(['user', 'add', '--db', env.db, '--login', 'x', '--role', 'sales', '--bogus', '1', '--password-stdin'], PASSWORD);
    assert.notEqual(r.code, 0);
    const users = await admin('GET', '/api/v1/users');
    assert.deepEqual(users.json.items.map((u) => u.login).sort(), ['boss']);
  });

  test('token create for an unknown login → non-zero with a message, prints no token', async () => {
    const r = await run(['token', 'create', '--db', env.db, '--login', 'nobody']);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no user with login nobody/);
  });

  test('user add and token create work while the server runs on the same DB; the token works at once', async () => {
    const r = await run(['user', 'add', '--db', env.db, '--login', 'live-rep', '--role', 'sales', '--team', '在线团队', '--display-name', '在线代表', '--password-stdin'], PASSWORD);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /user live-rep \(sales\) created with id \d+/);
    const t = await run(['token', 'create', '--db', env.db, '--login', 'live-rep', '--name', 'cli-live']);
    assert.equal(t.code, 0, t.stderr);
    const token = t.stdout.trim();
    assert.match(token, /^gx_[A-Za-z0-9_-]+$/);
    const api = apiClient(env.baseUrl, token);
    const c = await api('POST', '/api/v1/customers', { kind: 'organization', name: '命令行用户的客户' });
    assert.equal(c.status, 201, c.text);
    const users = await admin('GET', '/api/v1/users');
    const u = users.json.items.find((x) => x.login === 'live-rep');
    assert.equal(u.display_name, '在线代表');
    assert.equal(u.team_name, '在线团队');
    assert.equal(c.json.owner_user_id, u.id);
    const tokens = await api('GET', '/api/v1/tokens');
    assert.deepEqual(tokens.json.items.map((x) => x.name), ['cli-live']);
    assert.equal((await login(env.baseUrl, 'live-rep')).status, 200);
    const d = await admin('DELETE', `/api/v1/customers/${c.json.id}`);
    assert.equal(d.status, 204);
  });
});

describe('customers list, show, export', () => {
  test('customers list --q 云栖 --format json prints the customer (simplified and traditional query)', async () => {
    for (const query of ['云栖', '雲棲', '杭州云栖科技']) {
      const r = await run(['customers', 'list', '--db', env.db, '--q', query, '--format', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const list = JSON.parse(r.stdout);
      assert.ok(Array.isArray(list));
      assert.deepEqual(list.map((c) => c.id), [yunqi.id], query);
      assert.equal(list[0].name, '杭州云栖科技有限公司');
      assert.equal(list[0].province, '浙江省');
      assert.equal(list[0].phone, '+8613812345678');
      assert.deepEqual(list[0].tags, ['云计算', 'VIP']);
    }
    const none = await run(['customers', 'list', '--db', env.db, '--q', '不存在', '--format', 'json']);
    assert.equal(none.code, 0);
    assert.deepEqual(JSON.parse(none.stdout), []);
  });

  test('customers list without --q lists active customers; --limit caps it; --format csv works', async () => {
    let r = await run(['customers', 'list', '--db', env.db]);
    assert.equal(r.code, 0, r.stderr);
    const ids = JSON.parse(r.stdout).map((c) => c.id).sort((a, b) => a - b);
    assert.deepEqual(ids, [yunqi.id, tricky.id, formula.id].sort((a, b) => a - b));
    r = await run(['customers', 'list', '--db', env.db, '--limit', '2']);
    assert.equal(JSON.parse(r.stdout).length, 2);
    r = await run(['customers', 'list', '--db', env.db, '--q', '云栖', '--format', 'csv']);
    const rows = parseCsv(r.stdout);
    assert.equal(rows.length, 2);
    assert.equal(rows[1][rows[0].indexOf('name')], '杭州云栖科技有限公司');
    r = await run(['customers', 'list', '--db', env.db, '--format', 'xml']);
    assert.equal(r.code, 2);
    r = await run(['customers', 'list', '--db', env.db, '--limit', '0']);
    assert.equal(r.code, 2);
  });

  test('customers export --format csv: a header and one record per customer, quoted correctly', async () => {
    const r = await run(['customers', 'export', '--db', env.db, '--format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /exported 4 customers/);
    const rows = parseCsv(r.stdout);
    const header = rows[0];
    assert.deepEqual(header.slice(0, 4), ['id', 'version', 'kind', 'name']);
    for (const col of ['notes', 'tags', 'archived', 'phone', 'province', 'created_at']) assert.ok(header.includes(col), col);
    assert.equal(rows.length, 1 + 4, 'header + every customer, archived included');
    for (const row of rows) assert.equal(row.length, header.length, `row ${JSON.stringify(row)}`);
    const byId = new Map(rows.slice(1).map((row) => [Number(row[0]), Object.fromEntries(header.map((h, i) => [h, row[i]]))]));
    assert.equal(byId.get(yunqi.id).name, '杭州云栖科技有限公司');
    assert.equal(byId.get(yunqi.id).tags, '云计算;VIP');
    // E.164 numbers start with "+": the exporter may guard them like formulas.
    assert.match(byId.get(yunqi.id).phone, /^'?\+8613812345678$/);
    assert.equal(byId.get(tricky.id).name, '逗号, "引号" 公司');
    assert.equal(byId.get(tricky.id).notes, '第一行, 有逗号\n第二行 "有引号"\r\n第三行');
    assert.equal(byId.get(archived.id).archived, 'true');
    assert.equal(byId.get(yunqi.id).archived, 'false');
    // Spreadsheet formulas are neutralised with a leading apostrophe.
    assert.equal(byId.get(formula.id).name, `'=HYPERLINK("http://x")`);
    assert.equal(byId.get(formula.id).notes, "'+1 -1 @x");
    // The raw text quotes the comma/quote cells.
    assert.ok(r.stdout.includes('"逗号, ""引号"" 公司"'));
  });

  test('customers export --format json --out FILE writes every customer', async () => {
    const out = path.join(env.dir, 'export.json');
    const r = await run(['customers', 'export', '--db', env.db, '--format', 'json', '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    const list = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(list.map((c) => c.id), [yunqi.id, tricky.id, formula.id, archived.id], 'created_at order');
    assert.equal(list[1].notes, '第一行, 有逗号\n第二行 "有引号"\r\n第三行');
    assert.equal(list[3].archived, true);
  });

  test('customers show --id prints the customer with its contacts; unknown id → non-zero', async () => {
    const r = await run(['customers', 'show', '--db', env.db, '--id', String(yunqi.id)]);
    assert.equal(r.code, 0, r.stderr);
    const c = JSON.parse(r.stdout);
    assert.equal(c.id, yunqi.id);
    assert.equal(c.name, '杭州云栖科技有限公司');
    assert.equal(c.contacts.length, 1);
    assert.equal(c.contacts[0].name, '马云栖');
    assert.equal(c.contacts[0].phone, '+8613900001111');
    const missing = await run(['customers', 'show', '--db', env.db, '--id', '999999']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
    const bad = await run(['customers', 'show', '--db', env.db, '--id', 'abc']);
    assert.equal(bad.code, 2);
  });
});

describe('db check and backup', () => {
  test('db check prints ok and exits 0 (also while the server runs)', async () => {
    const r = await run(['db', 'check', '--db', env.db]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'ok');
  });

  test('db check on a damaged file fails (and, on PostgreSQL, on a missing database)', async () => {
    const bad = path.join(env.dir, 'garbage.db');
    writeFileSync(bad, Buffer.alloc(8192, 0x41));
    const r = await run(['db', 'check', '--db', bad]);
    assert.notEqual(r.code, 0);
    if (backend() === 'postgresql') {
      const missing = await run(['db', 'check', '--db', pgDatabaseUrl('gx_no_such_database')]);
      assert.notEqual(missing.code, 0, missing.stdout);
    }
  });

  test('backup --out, then customers list on the backup shows the same customers', async () => {
    const out = path.join(env.dir, 'backup.db');
    const r = await run(['backup', '--db', env.db, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(out));
    const orig = await run(['customers', 'export', '--db', env.db, '--format', 'json']);
    const copy = await run(['customers', 'export', '--db', out, '--format', 'json']);
    assert.equal(copy.code, 0, copy.stderr);
    assert.deepEqual(JSON.parse(copy.stdout), JSON.parse(orig.stdout));
    const listed = await run(['customers', 'list', '--db', out, '--q', '云栖']);
    assert.deepEqual(JSON.parse(listed.stdout).map((c) => c.id), [yunqi.id]);
    const check = await run(['db', 'check', '--db', out]);
    assert.equal(check.stdout.trim(), 'ok');
    // Refuses to overwrite.
    const again = await run(['backup', '--db', env.db, '--out', out]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /exists/);
  });
});

describe('misc', () => {
  test('version prints the version; unknown command → exit 2 with usage', async () => {
    const v = await run(['version']);
    assert.equal(v.code, 0);
    assert.match(v.stdout, /^guanxi \S+/);
    const u = await run(['frobnicate']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown command/);
    assert.match(u.stderr, /usage:/);
  });
});
