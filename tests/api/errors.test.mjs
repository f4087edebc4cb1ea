// Bad input on every write endpoint, bad ids, bad query parameters. Every
// failure is a problem+json answer and leaves the store exactly as it was.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tempDb, startServer, apiClient } from '../lib/server.mjs';
import { setupEnv, assertProblem, createCustomer, createTokenAsync, PASSWORD } from '../lib/api-helpers.mjs';

let env, admin, cust, contact, team, userId;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }, { login: 'rep', role: 'sales', team: '华北' }] });
  admin = env.as('boss');
  cust = await createCustomer(admin, { name: '错误输入测试公司', notes: '原始备注' });
  const c = await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: '原始联系人' });
  assert.equal(c.status, 201);
  contact = c.json;
  const teams = await admin('GET', '/api/v1/teams');
  team = teams.json.items.find((t) => t.name === '华北');
  userId = env.ids.rep;
});
after(async () => { await env?.stop(); });

// Everything an API client can observe about the store (minus token last-use times).
async function snapshot() {
  const get = async (url) => {
    const r = await admin('GET', url);
    assert.equal(r.status, 200, `${url}: ${r.text}`);
    return r.json;
  };
  const tokens = (await get('/api/v1/tokens')).items.map(({ last_used_at, ...t }) => t);
  return {
    customers: (await get('/api/v1/customers?archived=all&limit=200')).items,
    customer: await get(`/api/v1/customers/${cust.id}`),
    contacts: (await get(`/api/v1/customers/${cust.id}/contacts`)).items,
    users: (await get('/api/v1/users')).items,
    teams: (await get('/api/v1/teams')).items,
    tokens,
    audit: (await get('/api/v1/audit?limit=200')).items,
  };
}

// The write endpoints: a valid-looking body, a field and a wrong-typed value for it.
const endpoints = () => [
  { name: 'POST /api/v1/customers', method: 'POST', path: '/api/v1/customers', good: { kind: 'organization', name: '新公司' }, field: 'name', bad: 5 },
  { name: 'PATCH /api/v1/customers/{id}', method: 'PATCH', path: `/api/v1/customers/${cust.id}`, good: { name: '改名' }, field: 'name', bad: 5, ifMatch: true },
  { name: 'POST /api/v1/contacts', method: 'POST', path: '/api/v1/contacts', good: { customer_id: cust.id, name: '新联系人' }, field: 'name', bad: 5 },
  { name: 'PATCH /api/v1/contacts/{id}', method: 'PATCH', path: `/api/v1/contacts/${contact.id}`, good: { name: '改名' }, field: 'phone', bad: 13812345678, ifMatch: true },
  { name: 'POST /api/v1/users', method: 'POST', path: '/api/v1/users', good: { login: 'newbie', password: PASSWORD, role: 'sales' }, field: 'login', bad: 5 },
  { name: 'PATCH /api/v1/users/{id}', method: 'PATCH', path: `/api/v1/users/${userId}`, good: { display_name: '新名字' }, field: 'disabled', bad: 'yes', ifMatch: true },
  { name: 'POST /api/v1/teams', method: 'POST', path: '/api/v1/teams', good: { name: '新团队' }, field: 'name', bad: 5 },
  { name: 'PATCH /api/v1/teams/{id}', method: 'PATCH', path: `/api/v1/teams/${team.id}`, good: { name: '改名团队' }, field: 'manager_user_id', bad: 'boss' },
  { name: 'POST /api/v1/tokens', method: 'POST', path: '/api/v1/tokens', good: { name: 'ci' }, field: 'name', bad: ['x'] },
  { name: 'POST /api/v1/session', method: 'POST', path: '/api/v1/session', good: { login: 'boss', password: 'wrong-password' }, field: 'login', bad: 5 },
];

function hdrs(ep, extra = {}) {
  return ep.ifMatch ? { 'if-match': '"1"', ...extra } : extra;
}

// A body that is `good` plus padding, `size` bytes long.
function padded(good, size) {
  const s = JSON.stringify(good);
  return s.slice(0, -1) + ' '.repeat(size - Buffer.byteLength(s)) + '}';
}

describe('bad bodies on every write endpoint', () => {
  let base;
  before(async () => { base = await snapshot(); });

  const cases = [
    ['malformed JSON → 400', (ep) => [ep.method, ep.path, '{"name": "x",', hdrs(ep)], 400],
    ['truncated JSON → 400', (ep) => [ep.method, ep.path, JSON.stringify(ep.good).slice(0, -1), hdrs(ep)], 400],
    ['trailing garbage after the object → 400', (ep) => [ep.method, ep.path, JSON.stringify(ep.good) + ' {}', hdrs(ep)], 400],
    ['invalid UTF-8 (0xff) inside a string → 400', (ep) => {
      const s = JSON.stringify(ep.good);
      const i = s.indexOf('":"') + 3;
      const bytes = Buffer.concat([Buffer.from(s.slice(0, i)), Buffer.from([0xff, 0xfe]), Buffer.from(s.slice(i))]);
      return [ep.method, ep.path, bytes, hdrs(ep, { 'content-type': 'application/json' })];
    }, 400],
    ['invalid UTF-8 (overlong, surrogate) → 400', (ep) => {
      const s = JSON.stringify(ep.good);
      const i = s.indexOf('":"') + 3;
      const bytes = Buffer.concat([Buffer.from(s.slice(0, i)), Buffer.from([0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from(s.slice(i))]);
      return [ep.method, ep.path, bytes, hdrs(ep, { 'content-type': 'application/json' })];
    }, 400],
    ['a JSON array instead of an object → 400', (ep) => [ep.method, ep.path, '[]', hdrs(ep)], 400],
    ['a JSON string instead of an object → 400', (ep) => [ep.method, ep.path, '"x"', hdrs(ep)], 400],
    ['empty body → 400', (ep) => [ep.method, ep.path, undefined, hdrs(ep)], 400],
    ['duplicate key → 400', (ep) => [ep.method, ep.path, JSON.stringify(ep.good).slice(0, -1) + `,"${Object.keys(ep.good)[0]}":"y"}`, hdrs(ep)], 400],
    ['wrong type → 422 naming the field', (ep) => [ep.method, ep.path, { ...ep.good, [ep.field]: ep.bad }, hdrs(ep)], 422, (ep) => ep.field],
    ['unknown field → 422 naming it', (ep) => [ep.method, ep.path, { ...ep.good, colour: 'blue' }, hdrs(ep)], 422, () => 'colour'],
    ['body over 1 MiB → 413', (ep) => [ep.method, ep.path, padded(ep.good, 1024 * 1024 + 1), hdrs(ep)], 413],
    ['text/plain content type → 415', (ep) => [ep.method, ep.path, JSON.stringify(ep.good), hdrs(ep, { 'content-type': 'text/plain' })], 415],
    ['form content type → 415', (ep) => [ep.method, ep.path, 'name=x', hdrs(ep, { 'content-type': 'application/x-www-form-urlencoded' })], 415],
    ['no content type → 415', (ep) => [ep.method, ep.path, Buffer.from(JSON.stringify(ep.good)), hdrs(ep)], 415],
  ];

  for (const [label, make, status, field] of cases) {
    test(label, async () => {
      for (const ep of endpoints()) {
        const [method, path, body, headers] = make(ep);
        // For "no content type" the apiClient must not add one: pass the raw Buffer through fetch.
        let r;
        if (label.startsWith('no content type')) {
          const res = await fetch(env.baseUrl + path, { method, body, headers: { ...headers, authorization: `Bearer ${env.tokens.boss}` } });
          const text = await res.text();
          r = { status: res.status, headers: res.headers, text, json: JSON.parse(text) };
        } else {
          r = await admin(method, path, body, headers);
        }
        try {
          assertProblem(r, status, field ? field(ep) : undefined);
        } catch (e) {
          e.message = `${ep.name}: ${e.message}`;
          throw e;
        }
      }
      assert.deepEqual(await snapshot(), base, 'the store is unchanged');
    });
  }

  test('a body of exactly 1 MiB is accepted (not 413)', async () => {
    const r = await admin('POST', '/api/v1/customers', padded({ kind: 'organization', name: '一兆字节' }, 1024 * 1024));
    assert.equal(r.status, 201, r.text);
    const d = await admin('DELETE', `/api/v1/customers/${r.json.id}`);
    assert.equal(d.status, 204);
    base = await snapshot();
  });

  test('content types with parameters are accepted', async () => {
    const r = await admin('PATCH', `/api/v1/customers/${cust.id}`, { notes: '原始备注' },
      { 'content-type': 'application/json; charset=utf-8', 'if-match': `"${cust.version}"` });
    assert.equal(r.status, 200, r.text);
    cust = r.json;
    base = await snapshot();
  });
});

describe('bad ids', () => {
  const badIds = ['999999', 'abc', '0', '-1', '1.5', '1e3', '99999999999999999999', '%20'];
  test('unknown or non-numeric ids → 404 on every {id} route; store unchanged', async () => {
    const base = await snapshot();
    for (const id of badIds) {
      const routes = [
        ['GET', `/api/v1/customers/${id}`],
        ['PATCH', `/api/v1/customers/${id}`, { name: 'x' }],
        ['DELETE', `/api/v1/customers/${id}`],
        ['POST', `/api/v1/customers/${id}/archive`],
        ['POST', `/api/v1/customers/${id}/restore`],
        ['GET', `/api/v1/customers/${id}/contacts`],
        ['GET', `/api/v1/contacts/${id}`],
        ['PATCH', `/api/v1/contacts/${id}`, { name: 'x' }],
        ['DELETE', `/api/v1/contacts/${id}`],
        ['GET', `/api/v1/users/${id}`],
        ['PATCH', `/api/v1/users/${id}`, { display_name: 'x' }],
        ['PATCH', `/api/v1/teams/${id}`, { name: 'x' }],
        ['DELETE', `/api/v1/tokens/${id}`],
      ];
      for (const [method, path, body] of routes) {
        const r = await admin(method, path, body, body ? { 'if-match': '"1"' } : {});
        try { assertProblem(r, 404); } catch (e) { e.message = `${method} ${path}: ${e.message}`; throw e; }
      }
    }
    assert.deepEqual(await snapshot(), base);
  });

  test('unknown endpoint → 404 problem; wrong method → 405 with Allow', async () => {
    assertProblem(await admin('GET', '/api/v1/nothing-here'), 404);
    assertProblem(await admin('GET', '/api/v2/customers'), 404);
    let r = await admin('PUT', `/api/v1/customers/${cust.id}`, { name: 'x' });
    assertProblem(r, 405);
    assert.match(r.headers.get('allow'), /PATCH/);
    assert.match(r.headers.get('allow'), /GET/);
    r = await admin('DELETE', '/api/v1/customers');
    assertProblem(r, 405);
    assert.match(r.headers.get('allow'), /POST/);
  });
});

describe('bad query parameters', () => {
  test('unknown query parameter → 400 naming it', async () => {
    assertProblem(await admin('GET', '/api/v1/customers?colour=red'), 400, 'colour');
    assertProblem(await admin('GET', '/api/v1/customers?q=x&Limit=5'), 400, 'Limit');
    assertProblem(await admin('GET', '/api/v1/audit?user=boss'), 400, 'user');
  });

  test('bad cursor → 400 naming "after"', async () => {
    const firstPage = await admin('GET', '/api/v1/customers?limit=1&sort=name');
    for (const after of ['zzz', '!!!', 'AAAA', Buffer.from('1\x1f2\x1f3').toString('base64url'), 'a'.repeat(5000)]) {
      assertProblem(await admin('GET', `/api/v1/customers?after=${encodeURIComponent(after)}`), 400, 'after');
      assertProblem(await admin('GET', `/api/v1/customers?sort=name&after=${encodeURIComponent(after)}`), 400, 'after');
      assertProblem(await admin('GET', `/api/v1/audit?after=${encodeURIComponent(after)}`), 400, 'after');
    }
    // Garbage inside a well-formed two-part cursor.
    assertProblem(await admin('GET', `/api/v1/customers?after=${Buffer.from('abc\x1f7').toString('base64url')}`), 400, 'after');
    assertProblem(await admin('GET', `/api/v1/customers?sort=name&after=${Buffer.from('zz\x1f7').toString('base64url')}`), 400, 'after');
    assert.equal(firstPage.status, 200);
  });

  test('limit out of range or not a number → 400 naming limit', async () => {
    for (const limit of ['0', '500', '201', '-1', 'abc', '1.5', '']) {
      assertProblem(await admin('GET', `/api/v1/customers?limit=${limit}`), 400, 'limit');
      assertProblem(await admin('GET', `/api/v1/audit?limit=${limit}`), 400, 'limit');
    }
    assert.equal((await admin('GET', '/api/v1/customers?limit=1')).status, 200);
    assert.equal((await admin('GET', '/api/v1/customers?limit=200')).status, 200);
  });

  test('invalid UTF-8 in a query parameter → 400', async () => {
    assertProblem(await admin('GET', '/api/v1/customers?q=%FF%FE'), 400);
  });
});

describe('HTTP-level limits', () => {
  test('a header block over 16 KiB → 431 problem', async () => {
    const r = await admin('GET', '/api/v1/customers', undefined, { 'x-padding': 'a'.repeat(20000) });
    assertProblem(r, 431);
  });

  test('invalid UTF-8 in the path → 400', async () => {
    assertProblem(await admin('GET', '/api/v1/customers/%FF'), 400);
  });

  test('HEAD answers like GET without a body', async () => {
    for (const path of ['/api/v1/customers', `/api/v1/customers/${cust.id}`, '/healthz']) {
      const g = await admin('GET', path);
      const h = await admin('HEAD', path);
      assert.equal(h.status, 200, path);
      assert.equal(h.text, '');
      assert.equal(Number(h.headers.get('content-length')), Buffer.byteLength(g.text), path);
      assert.equal(h.headers.get('content-type'), g.headers.get('content-type'));
    }
    assertProblem(await admin('GET', '/api/v1/customers/999999'), 404);
    assert.equal((await admin('HEAD', '/api/v1/customers/999999')).status, 404);
  });
});

describe('PATCH check order (documented in docs/api.md)', () => {
  let svc;
  before(async () => {
    const t = await admin('POST', '/api/v1/users', { login: 'svc-order', role: 'service', password: PASSWORD });
    assert.equal(t.status, 201, t.text);
  });

  test('readable body (400) before existence (404) before If-Match (428/400) before fields (422) before role (403) before values (422) before version (409)', async () => {
    const base = await snapshot();
    const v = `"${cust.version}"`;
    const stale = `"${cust.version + 5}"`;
    // 1. body before existence
    assertProblem(await admin('PATCH', '/api/v1/customers/999999', '{bad', { 'if-match': v }), 400);
    // 2. existence before If-Match
    assertProblem(await admin('PATCH', '/api/v1/customers/999999', { name: 'x' }), 404);
    // 3. If-Match before fields
    assertProblem(await admin('PATCH', `/api/v1/customers/${cust.id}`, { colour: 'red' }), 428, 'If-Match');
    assertProblem(await admin('PATCH', `/api/v1/customers/${cust.id}`, { colour: 'red' }, { 'if-match': 'x' }), 400, 'If-Match');
    // 6 before 7: invalid values with a stale version → 422, not 409
    assertProblem(await admin('PATCH', `/api/v1/customers/${cust.id}`, { name: '' }, { 'if-match': stale }), 422, 'name');
    assertProblem(await admin('PATCH', `/api/v1/contacts/${contact.id}`, { phone: '1' }, { 'if-match': `"${contact.version + 5}"` }), 422, 'phone');
    // 4 before 7: unknown field with a stale version → 422
    assertProblem(await admin('PATCH', `/api/v1/customers/${cust.id}`, { colour: 'red' }, { 'if-match': stale }), 422, 'colour');
    assert.deepEqual(await snapshot(), base);
  });

  test('role (403) before values (422) and version (409)', async () => {
    svc = apiClient(env.baseUrl, await createTokenAsync(env.db, 'svc-order'));
    const base = await snapshot();
    assertProblem(await svc('PATCH', `/api/v1/customers/${cust.id}`, { name: '' }, { 'if-match': `"${cust.version + 5}"` }), 403);
    assertProblem(await svc('PATCH', `/api/v1/customers/${cust.id}`, { name: '客服' }, { 'if-match': `"${cust.version + 5}"` }), 403);
    assert.deepEqual((await snapshot()).customer, base.customer);
  });
});

describe('hostile JSON', () => {
  test('deeply nested JSON (200k levels, < 1 MiB) → 400/422 and the server survives', async () => {
    // A server of its own: if it crashes, the others are not affected.
    const tmp = tempDb();
    const s = await startServer({ db: tmp.db });
    try {
      const api = apiClient(s.baseUrl);
      const n = 200000;
      const body = '{"login":"a","password":"b","x":' + '['.repeat(n) + ']'.repeat(n) + '}';
      let status;
      try {
        status = (await api('POST', '/api/v1/session', body)).status;
      } catch (e) {
        status = `connection failed (${e.cause?.code || e.message})`;
      }
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(s.child.signalCode, null, `server died with ${s.child.signalCode}`);
      assert.ok(status === 400 || status === 422, `status ${status}`);
      assert.equal((await fetch(`${s.baseUrl}/healthz`)).status, 200);
    } finally {
      await s.stop('SIGKILL');
      tmp.cleanup();
    }
  });
});
