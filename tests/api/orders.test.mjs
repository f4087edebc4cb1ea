// Products and orders: CRUD, amounts and their validation, refunds, visibility
// by owner, list filters, and the CSV import through the CLI and the API.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setupEnv, assertProblem, createCustomer, run, q } from '../lib/api-helpers.mjs';

let env, admin, mgr, rep, rep2, analyst;
let product, repCustomer, rep2Customer;

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'boss', role: 'admin' },
      { login: 'mgr', role: 'manager', team: '华东' },
      { login: 'rep', role: 'sales', team: '华东' },
      { login: 'rep2', role: 'sales', team: '华南' },
      { login: 'ana', role: 'analyst' },
    ],
  });
  admin = env.as('boss');
  mgr = env.as('mgr');
  rep = env.as('rep');
  rep2 = env.as('rep2');
  analyst = env.as('ana');
  repCustomer = await createCustomer(rep, { name: '杭州云栖科技有限公司', external_id: 'C-REP' });
  rep2Customer = await createCustomer(rep2, { name: '深圳南山贸易有限公司', external_id: 'C-REP2' });
});
after(async () => { await env?.stop(); });

const post = (api, body) => api('POST', '/api/v1/orders', body);

describe('products', () => {
  test('POST creates: 201, version 1, ETag; GET answers the same', async () => {
    const r = await admin('POST', '/api/v1/products',
      { code: 'GX-PRO-01', name: '关系专业版', category: '软件', list_price: 1280000, active: true });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 1);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.json.code, 'GX-PRO-01');
    assert.equal(r.json.list_price, 1280000);
    product = r.json;
    const g = await rep('GET', `/api/v1/products/${product.id}`);
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json, product);
  });

  test('a taken code is 409 naming code; a missing name is 422 naming name', async () => {
    assertProblem(await admin('POST', '/api/v1/products', { code: 'GX-PRO-01', name: '另一个', list_price: 1 }), 409, 'code');
    assertProblem(await admin('POST', '/api/v1/products', { code: 'GX-X', list_price: 1 }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/products', { code: 'GX-Y', name: '负价', list_price: -1 }), 422, 'list_price');
  });

  test('sales and analysts read but may not write products', async () => {
    assertProblem(await rep('POST', '/api/v1/products', { code: 'GX-R', name: 'r', list_price: 1 }), 403);
    assertProblem(await analyst('PATCH', `/api/v1/products/${product.id}`, { name: 'x' }, { 'if-match': '"1"' }), 403);
    const r = await mgr('POST', '/api/v1/products', { code: 'GX-SVC-01', name: '实施服务', list_price: 500000 });
    assert.equal(r.status, 201, r.text);
  });

  test('list searches code and name, and filters active', async () => {
    let r = await rep('GET', `/api/v1/products?${q({ q: 'svc' })}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.items.map((p) => p.code), ['GX-SVC-01']);
    const svc = r.json.items[0];
    const p = await mgr('PATCH', `/api/v1/products/${svc.id}`, { active: false }, { 'if-match': '"1"' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.version, 2);
    assert.equal(p.json.active, false);
    r = await rep('GET', '/api/v1/products?active=true');
    assert.deepEqual(r.json.items.map((x) => x.code), ['GX-PRO-01']);
    r = await rep('GET', '/api/v1/products');
    assert.deepEqual(r.json.items.map((x) => x.code), ['GX-PRO-01', 'GX-SVC-01']);
  });

  test('PATCH needs If-Match (428) and a current version (409)', async () => {
    assertProblem(await admin('PATCH', `/api/v1/products/${product.id}`, { name: 'x' }), 428);
    assertProblem(await admin('PATCH', `/api/v1/products/${product.id}`, { name: 'x' }, { 'if-match': '"7"' }), 409);
  });
});

describe('orders', () => {
  let withLines;

  test('an order with lines: total computed, price and name from the product, names answered', async () => {
    const r = await post(rep, {
      customer_id: repCustomer.id, ordered_at: '2026-11-02', channel: 'online',
      lines: [{ product_id: product.id, quantity: 3 },
        { description: '上门安装', quantity: 2, unit_price: 50000, discount: 10000 }],
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.total, 3 * 1280000 + 2 * 50000 - 10000);
    assert.equal(r.json.lines.length, 2);
    assert.equal(r.json.lines[0].unit_price, 1280000);
    assert.equal(r.json.lines[0].description, '关系专业版');
    assert.equal(r.json.lines[1].line_total, 90000);
    assert.equal(r.json.ordered_at, '2026-11-01T16:00:00Z', 'a day is 00:00 +08:00');
    assert.equal(r.json.customer_name, '杭州云栖科技有限公司');
    assert.equal(r.json.owner_user_id, env.ids.rep, 'the owner defaults to the customer\'s');
    assert.equal(typeof r.json.owner_name, 'string');
    assert.ok(r.json.owner_name.length > 0);
    assert.equal(r.json.status, 'placed');
    assert.equal(r.json.channel, 'online');
    assert.equal(r.headers.get('etag'), '"1"');
    withLines = r.json;
    const g = await rep('GET', `/api/v1/orders/${withLines.id}`);
    assert.deepEqual(g.json, withLines);
  });

  test('an order with a total alone; ordered_at as an ISO instant', async () => {
    const r = await post(rep, { customer_id: repCustomer.id, total: 88800, ordered_at: '2026-11-20T10:30:00+08:00' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.total, 88800);
    assert.deepEqual(r.json.lines, []);
    assert.equal(r.json.ordered_at, '2026-11-20T02:30:00Z');
  });

  test('bad inputs are 422 naming the field', async () => {
    const c = repCustomer.id;
    const cases = [
      [{ customer_id: c, total: -5 }, 'total'],
      [{ customer_id: c, total: 1_000_000_000_001 }, 'total'],
      [{ customer_id: c }, 'total'],
      [{ customer_id: c, lines: [{ product_id: product.id, quantity: 0 }] }, 'lines[0].quantity'],
      [{ customer_id: c, lines: [{ description: 'x', quantity: 1, unit_price: -1 }] }, 'lines[0].unit_price'],
      [{ customer_id: c, lines: [{ description: 'x', quantity: 1, unit_price: 1_000_000_000_001 }] }, 'lines[0].unit_price'],
      [{ customer_id: c, lines: [{ description: 'x', quantity: 1, unit_price: 100, discount: 101 }] }, 'lines[0].discount'],
      [{ customer_id: c, lines: [{ product_id: 999999, quantity: 1 }] }, 'lines[0].product_id'],
      [{ customer_id: c, lines: [{ description: 'x', quantity: 1 }] }, 'lines[0].unit_price'],
      [{ customer_id: c, total: 100, lines: [{ description: 'x', quantity: 1, unit_price: 99 }] }, 'total'],
      [{ customer_id: 999999, total: 100 }, 'customer_id'],
      [{ customer_id: c, total: 100, ordered_at: '2026-02-30' }, 'ordered_at'],
      [{ customer_id: c, total: 100, status: 'shipped' }, 'status'],
      [{ customer_id: c, total: 100, lines: [{ quantity: 'x' }] }, 'lines[0].quantity'],
    ];
    for (const [body, field] of cases) {
      assertProblem(await post(rep, body), 422, field);
    }
  });

  test('a refund is a PATCH of the status; If-Match is required and checked', async () => {
    assertProblem(await rep('PATCH', `/api/v1/orders/${withLines.id}`, { status: 'refunded' }), 428);
    const r = await rep('PATCH', `/api/v1/orders/${withLines.id}`, { status: 'refunded' }, { 'if-match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'refunded');
    assert.equal(r.json.version, 2);
    assert.equal(r.json.total, withLines.total, 'the lines are kept');
    assert.equal(r.json.lines.length, 2);
    assertProblem(await rep('PATCH', `/api/v1/orders/${withLines.id}`, { note: 'x' }, { 'if-match': '"1"' }), 409);
  });

  test('PATCH with new lines recomputes the total', async () => {
    const r = await rep('PATCH', `/api/v1/orders/${withLines.id}`,
      { lines: [{ product_id: product.id, quantity: 1, discount: 80000 }] }, { 'if-match': '"2"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total, 1200000);
    assertProblem(await rep('PATCH', `/api/v1/orders/${withLines.id}`, { total: 5 }, { 'if-match': '"3"' }), 422, 'total');
  });

  test('visibility follows the owner: other reps get 404, the manager and analyst see it', async () => {
    assertProblem(await rep2('GET', `/api/v1/orders/${withLines.id}`), 404);
    assertProblem(await rep2('PATCH', `/api/v1/orders/${withLines.id}`, { note: 'x' }, { 'if-match': '"3"' }), 404);
    const l = await rep2('GET', '/api/v1/orders');
    assert.equal(l.status, 200, l.text);
    assert.ok(!l.json.items.some((o) => o.id === withLines.id));
    assert.equal((await mgr('GET', `/api/v1/orders/${withLines.id}`)).status, 200);
    assert.equal((await analyst('GET', `/api/v1/orders/${withLines.id}`)).status, 200);
    assertProblem(await analyst('PATCH', `/api/v1/orders/${withLines.id}`, { note: 'x' }, { 'if-match': '"3"' }), 403);
  });

  test('an order needs a visible customer; a rep cannot credit someone else', async () => {
    assertProblem(await post(rep2, { customer_id: repCustomer.id, total: 100 }), 422, 'customer_id');
    assertProblem(await post(rep, { customer_id: repCustomer.id, total: 100, owner_user_id: env.ids.rep2 }), 403);
    const m = await post(mgr, { customer_id: repCustomer.id, total: 100 });
    assert.equal(m.status, 201, m.text);
    assert.equal(m.json.owner_user_id, env.ids.rep, 'a manager\'s order for a rep\'s customer credits the rep');
    const o = await post(rep2, { customer_id: rep2Customer.id, total: 300 });
    assert.equal(o.status, 201, o.text);
    assert.equal(o.json.owner_user_id, env.ids.rep2);
  });

  test('list filters: customer, owner, status, days; newest first without lines', async () => {
    let r = await admin('GET', `/api/v1/orders?${q({ customer_id: repCustomer.id })}`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.items.length, 3);
    assert.ok(r.json.items.every((o) => o.customer_id === repCustomer.id && !('lines' in o)));
    const times = r.json.items.map((o) => o.ordered_at);
    assert.deepEqual(times, [...times].sort().reverse());
    r = await admin('GET', `/api/v1/orders?${q({ owner: 'rep2' })}`);
    assert.deepEqual(r.json.items.map((o) => o.total), [300]);
    r = await admin('GET', `/api/v1/orders?${q({ status: 'refunded' })}`);
    assert.deepEqual(r.json.items.map((o) => o.id), [withLines.id]);
    r = await admin('GET', `/api/v1/orders?${q({ from: '2026-11-02', to: '2026-11-20' })}`);
    assert.deepEqual(r.json.items.map((o) => o.total).sort((a, b) => a - b), [88800, 1200000]);
    assertProblem(await admin('GET', '/api/v1/orders?from=2026-13-01'), 400, 'from');
    assertProblem(await admin('GET', '/api/v1/orders?owner=nobody'), 400, 'owner');
  });
});

describe('import', () => {
  const header = 'customer_external_id,order_id,ordered_at,amount,product_code,quantity,unit_price,channel,status\n';
  const file = (name, text) => {
    const f = path.join(env.dir, name);
    fs.writeFileSync(f, text);
    return f;
  };
  const importCli = (f, format = 'json') => run(['orders', 'import', '--db', env.db, '--file', f, '--format', format]);

  test('a clean file imports every order; a re-run inserts none and doubles nothing', async () => {
    const f = file('clean.csv', header +
      'C-REP,IMP-1,2026-10-01,1234.56,,,,,\n' +
      'C-REP,IMP-2,20261002,99,,,,wechat,paid\n' +
      // one order of two product lines (amount repeated, then empty)
      'C-REP2,IMP-3,2026-10-03T09:00:00+08:00,2660.00,GX-PRO-01,2,100,,\n' +
      'C-REP2,IMP-3,2026-10-03T09:00:00+08:00,,GX-PRO-01,1,2460,,\n');
    let r = await importCli(f);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(JSON.parse(r.stdout), { inserted: 3, already_present: 0, rejected: [] });
    r = await importCli(f);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { inserted: 0, already_present: 3, rejected: [] });
    const l = await admin('GET', `/api/v1/orders?${q({ customer_id: rep2Customer.id, limit: 200 })}`);
    const imported = l.json.items.filter((o) => o.external_id === 'IMP-3');
    assert.equal(imported.length, 1);
    assert.equal(imported[0].total, 266000);
    assert.equal(imported[0].owner_user_id, env.ids.rep2, 'the owner is the customer\'s');
    assert.equal(imported[0].ordered_at, '2026-10-03T01:00:00Z');
    const g = await admin('GET', `/api/v1/orders/${imported[0].id}`);
    assert.equal(g.json.lines.length, 2);
    assert.equal(g.json.lines[0].product_id, product.id);
    const one = (await admin('GET', `/api/v1/orders?${q({ customer_id: repCustomer.id, limit: 200 })}`))
      .json.items.find((o) => o.external_id === 'IMP-1');
    assert.equal(one.total, 123456, 'yuan with two decimals is exact fen');
  });

  test('bad rows are rejected with line numbers, good ones imported; exit code 1', async () => {
    const f = file('mixed.csv', '\uFEFF' + header.replace('\n', '\r\n') +
      'C-REP,MIX-1,2026-10-05,10,,,,,\r\n' +          // line 2: ok
      'C-REP,MIX-2,2026-10-05,10.123,,,,,\r\n' +      // line 3: amount
      'C-REP,MIX-3,2026-10-05,10,,,,,\r\n' +          // line 4: ok
      'C-REP,MIX-1,2026-10-06,10,,,,,\r\n' +          // line 5: duplicate of line 2
      'C-NONE,MIX-4,2026-10-05,10,,,,,\r\n' +         // line 6: unknown customer
      '"C-REP","MIX-5","2026-10-05","1,5",,,,,\r\n' + // line 7: amount with a comma
      'C-REP,MIX-6,yesterday,10,,,,,\r\n' +           // line 8: ordered_at
      'C-REP,MIX-7,2026-10-05,10,NOPE-1,1,10,,\r\n' + // line 9: unknown product
      'C-REP,MIX-8,2026-10-05,10,,,,,\r\n' +          // line 10: ok
      'C-REP,MIX-8,2026-10-05,11,GX-PRO-01,1,1,,\r\n'); // line 11: disagrees with line 10
    const r = await importCli(f);
    assert.equal(r.code, 1, r.stderr + r.stdout);
    const out = JSON.parse(r.stdout);
    assert.equal(out.inserted, 2);
    assert.equal(out.already_present, 0);
    const byLine = Object.fromEntries(out.rejected.map((x) => [x.line, x.field]));
    assert.equal(byLine[3], 'amount');
    assert.equal(byLine[5], 'order_id');
    assert.match(out.rejected.find((x) => x.line === 5).message, /MIX-1/);
    assert.equal(byLine[6], 'customer_external_id');
    assert.equal(byLine[7], 'amount');
    assert.equal(byLine[8], 'ordered_at');
    assert.equal(byLine[9], 'product_code');
    assert.equal(byLine[10], 'order_id');
    assert.equal(byLine[11], 'amount');
    assert.deepEqual(out.rejected.map((x) => x.line), [3, 5, 6, 7, 8, 9, 10, 11]);
    const text = await importCli(f, 'text');
    assert.equal(text.code, 1);
    assert.match(text.stdout, /^inserted 0, already present 2, rejected 8\n/);
    assert.match(text.stdout, /line 5: order_id: /);
  });

  test('usage errors exit 2; an unknown header exits 1 naming it', async () => {
    let r = await run(['orders', 'import', '--db', env.db]);
    assert.equal(r.code, 2, r.stderr);
    r = await run(['orders', 'import', '--db', env.db, '--file', 'x.csv', '--format', 'xml']);
    assert.equal(r.code, 2, r.stderr);
    const f = file('badheader.csv', 'customer_external_id,order_id,ordered_at,amount,colour\nC-REP,H-1,2026-10-01,1,red\n');
    r = await importCli(f);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /colour/);
  });

  test('--file - reads stdin', async () => {
    const r = await run(['orders', 'import', '--db', env.db, '--file', '-', '--format', 'json'],
      header + 'C-REP,STDIN-1,2026-10-09,5,,,,,\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).inserted, 1);
  });

  test('POST /orders/import takes text/csv (admins and managers)', async () => {
    const body = header + 'C-REP,API-1,2026-10-10,8,,,,,\nC-REP,API-1,2026-10-10,8,,,,,\n';
    const hdr = { 'content-type': 'text/csv; charset=utf-8' };
    assertProblem(await rep('POST', '/api/v1/orders/import', body, hdr), 403);
    let r = await mgr('POST', '/api/v1/orders/import', body, hdr);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.inserted, 1, 'a repeated row does not double the order');
    assert.deepEqual(r.json.rejected.map((x) => [x.line, x.field]), [[3, 'order_id']]);
    r = await mgr('POST', '/api/v1/orders/import', header + 'C-REP,API-2,2026-10-10,8,,,,,\n', hdr);
    assert.deepEqual(r.json, { inserted: 1, already_present: 0, rejected: [] });
    assertProblem(await mgr('POST', '/api/v1/orders/import', 'order_id,zzz\n', hdr), 422, 'header');
    assertProblem(await mgr('POST', '/api/v1/orders/import', { a: 1 }), 415);
  });
});
