// Authentication: bearer tokens, cookie sessions with CSRF, log-in throttling,
// disabled accounts, and the token endpoints.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tempDb, startServer, apiClient } from '../lib/server.mjs';
import {
  setupEnv, assertProblem, login, cookieClient, addUserAsync, PASSWORD, listAll,
} from '../lib/api-helpers.mjs';

let env, admin;

// Failed log-ins from 127.0.0.1 count towards the per-address limit (20 per 15
// minutes, one server for the whole file): this file makes 17. Keep it under 20.
before(async () => {
  env = await setupEnv({
    users: [
      { login: 'boss', role: 'admin' },
      { login: 'rep', role: 'sales', team: '华东' },
      { login: 'victim', role: 'sales', team: '华东' },
      { login: 'ghost', role: 'sales', team: '华东' },
      { login: 'resetter', role: 'analyst' },
    ],
  });
  admin = env.as('boss');
});
after(async () => { await env?.stop(); });

const customerCount = async () => (await listAll(admin, '/api/v1/customers?archived=all', { limit: 200 })).items.length;

describe('bearer tokens', () => {
  test('no credentials → 401 problem on every protected route, nothing written', async () => {
    const before = await customerCount();
    for (const [method, path, body] of [
      ['GET', '/api/v1/customers'], ['GET', '/api/v1/customers/1'], ['POST', '/api/v1/customers', { kind: 'organization', name: '匿名' }],
      ['GET', '/api/v1/meta'], ['GET', '/api/v1/users'], ['GET', '/api/v1/teams'], ['GET', '/api/v1/audit'],
      ['GET', '/api/v1/tokens'], ['POST', '/api/v1/tokens', { name: 'x' }], ['POST', '/api/v1/contacts', { customer_id: 1, name: 'x' }],
      ['GET', '/api/v1/session'], ['DELETE', '/api/v1/session'],
    ]) {
      const r = await env.anon(method, path, body);
      try { assertProblem(r, 401); } catch (e) { e.message = `${method} ${path}: ${e.message}`; throw e; }
    }
    assert.equal(await customerCount(), before);
  });

  test('bad bearer tokens → 401', async () => {
    const before = await customerCount();
    for (const authorization of ['Bearer nope', 'Bearer gx_' + 'A'.repeat(43), `Bearer ${env.tokens.boss}x`,
      `Bearer ${'x'.repeat(300)}`, 'Bearer ', `Basic ${Buffer.from('boss:' + PASSWORD).toString('base64')}`, env.tokens.boss]) {
      assertProblem(await env.anon('GET', '/api/v1/customers', undefined, { authorization }), 401);
      assertProblem(await env.anon('POST', '/api/v1/customers', { kind: 'organization', name: '坏令牌' }, { authorization }), 401);
    }
    assert.equal(await customerCount(), before);
  });

  test('a valid bearer works, also spelled "bearer"', async () => {
    assert.equal((await admin('GET', '/api/v1/customers')).status, 200);
    const r = await env.anon('GET', '/api/v1/customers', undefined, { authorization: `bearer ${env.tokens.boss}` });
    assert.equal(r.status, 200);
  });

  test('a bad bearer is not rescued by a valid session cookie', async () => {
    const s = await login(env.baseUrl, 'rep');
    assert.equal(s.status, 200);
    const r = await env.anon('GET', '/api/v1/customers', undefined, { authorization: 'Bearer nope', cookie: s.cookie });
    assertProblem(r, 401);
  });
});

describe('sessions', () => {
  let s;

  test('POST /api/v1/session logs in: HttpOnly SameSite=Strict cookie gx_session, csrf_token, user', async () => {
    s = await login(env.baseUrl, 'rep');
    assert.equal(s.status, 200, s.text);
    assert.ok(s.cookie, `Set-Cookie: ${s.setCookie}`);
    assert.match(s.setCookie, /^gx_session=[^;]{20,};/);
    assert.match(s.setCookie, /;\s*HttpOnly/i);
    assert.match(s.setCookie, /;\s*SameSite=Strict/i);
    assert.match(s.setCookie, /;\s*Path=\//);
    assert.match(s.setCookie, /;\s*Max-Age=\d+/);
    assert.equal(s.headers.get('cache-control'), 'no-store');
    assert.equal(typeof s.csrf, 'string');
    assert.ok(s.csrf.length >= 20);
    assert.equal(s.json.user.login, 'rep');
    assert.equal(s.json.user.role, 'sales');
    assert.equal(s.json.user.id, env.ids.rep);
    assert.ok(!s.text.includes('argon2'), 'no password hash in the answer');
    assert.ok(!('password_hash' in s.json.user));
  });

  test('GET /api/v1/session with the cookie → 200 with the user and the same csrf_token', async () => {
    const r = await cookieClient(env.baseUrl, s.cookie)('GET', '/api/v1/session');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.login, 'rep');
    assert.equal(r.json.csrf_token, s.csrf);
    assertProblem(await env.anon('GET', '/api/v1/session'), 401);
    assertProblem(await cookieClient(env.baseUrl, 'gx_session=forged')('GET', '/api/v1/session'), 401);
    assertProblem(await cookieClient(env.baseUrl, 'gx_session=forged')('GET', '/api/v1/customers'), 401);
  });

  test('GET /api/v1/session takes only the cookie, not a bearer token', async () => {
    assertProblem(await admin('GET', '/api/v1/session'), 401);
  });

  test('safe requests with the cookie need no CSRF token', async () => {
    const r = await cookieClient(env.baseUrl, s.cookie)('GET', '/api/v1/customers');
    assert.equal(r.status, 200, r.text);
  });

  test('the cookie is found among other cookies', async () => {
    const r = await cookieClient(env.baseUrl, `theme=dark; ${s.cookie}; lang=zh`)('GET', '/api/v1/customers');
    assert.equal(r.status, 200, r.text);
  });

  test('unsafe requests with the cookie but no or wrong X-CSRF-Token → 403, nothing written', async () => {
    const before = await customerCount();
    const other = await login(env.baseUrl, 'victim');
    assert.equal(other.status, 200);
    for (const csrf of [undefined, 'wrong', s.csrf.slice(0, -1), other.csrf, s.csrf.toUpperCase()]) {
      const api = cookieClient(env.baseUrl, s.cookie, csrf);
      assertProblem(await api('POST', '/api/v1/customers', { kind: 'organization', name: 'CSRF攻击' }), 403);
      assertProblem(await api('POST', '/api/v1/tokens', { name: 'stolen' }), 403);
    }
    assert.equal(await customerCount(), before);
    const tokens = await cookieClient(env.baseUrl, s.cookie)('GET', '/api/v1/tokens');
    assert.ok(!tokens.json.items.some((t) => t.name === 'stolen'));
  });

  test('with the right X-CSRF-Token the write succeeds (POST, PATCH, archive)', async () => {
    const api = cookieClient(env.baseUrl, s.cookie, s.csrf);
    const r = await api('POST', '/api/v1/customers', { kind: 'organization', name: '会话创建客户' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.owner_user_id, env.ids.rep);
    assertProblem(await cookieClient(env.baseUrl, s.cookie)('PATCH', `/api/v1/customers/${r.json.id}`, { name: '未授权修改' }, { 'if-match': '"1"' }), 403);
    const p = await api('PATCH', `/api/v1/customers/${r.json.id}`, { name: '会话修改客户' }, { 'if-match': '"1"' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.version, 2);
    assertProblem(await cookieClient(env.baseUrl, s.cookie)('POST', `/api/v1/customers/${r.json.id}/archive`), 403);
    assert.equal((await admin('GET', `/api/v1/customers/${r.json.id}`)).json.archived, false);
    const a = await api('POST', `/api/v1/customers/${r.json.id}/archive`);
    assert.equal(a.status, 200);
    assert.equal(a.json.archived, true);
  });

  test('logout: DELETE /api/v1/session needs the CSRF token, → 204 and clears the cookie; then the cookie is dead', async () => {
    const second = await login(env.baseUrl, 'rep');
    assertProblem(await cookieClient(env.baseUrl, s.cookie)('DELETE', '/api/v1/session'), 403);
    assert.equal((await cookieClient(env.baseUrl, s.cookie)('GET', '/api/v1/session')).status, 200, 'still logged in');
    const r = await cookieClient(env.baseUrl, s.cookie, s.csrf)('DELETE', '/api/v1/session');
    assert.equal(r.status, 204);
    assert.match(r.headers.get('set-cookie') || '', /^gx_session=;.*Max-Age=0/);
    assertProblem(await cookieClient(env.baseUrl, s.cookie)('GET', '/api/v1/session'), 401);
    assertProblem(await cookieClient(env.baseUrl, s.cookie)('GET', '/api/v1/customers'), 401);
    assertProblem(await cookieClient(env.baseUrl, s.cookie, s.csrf)('POST', '/api/v1/customers', { kind: 'organization', name: '注销后' }), 401);
    assertProblem(await cookieClient(env.baseUrl, s.cookie, s.csrf)('DELETE', '/api/v1/session'), 401);
    // Another session of the same user lives on.
    assert.equal((await cookieClient(env.baseUrl, second.cookie)('GET', '/api/v1/session')).status, 200);
  });

  test('login body validation: missing login → 422, wrong types → 422', async () => {
    assertProblem(await env.anon('POST', '/api/v1/session', { password: 'x' }), 422, 'login');
    assertProblem(await env.anon('POST', '/api/v1/session', { login: 'rep', password: 5 }), 422, 'password');
  });
});

describe('log-in failures', () => {
  test('wrong password → 401, same message as an unknown user; no cookie', async () => {
    const wrong = await login(env.baseUrl, 'rep', 'not-the-password');
    const unknown = await login(env.baseUrl, 'nobody-here', 'not-the-password');
    assertProblem({ status: wrong.status, headers: wrong.headers, json: wrong.json, text: wrong.text }, 401);
    assertProblem({ status: unknown.status, headers: unknown.headers, json: unknown.json, text: unknown.text }, 401);
    assert.equal(wrong.json.detail, unknown.json.detail);
    assert.equal(wrong.json.title, unknown.json.title);
    assert.equal(wrong.cookie, null);
    assert.equal(unknown.cookie, null);
  });

  test('login names are case-insensitive / trimmed the same way as at creation', async () => {
    const r = await login(env.baseUrl, 'REP');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.user.login, 'rep');
  });

  test('after 5 failures for one account → 429 with Retry-After; even the right password is refused', async () => {
    // Concurrently, to save argon2 time: all five pass the limit check and fail.
    const fails = await Promise.all([0, 1, 2, 3, 4].map((i) => login(env.baseUrl, 'victim', `wrong-${i}`)));
    for (const r of fails) assert.equal(r.status, 401, r.text);
    const limited = await login(env.baseUrl, 'victim', 'wrong-again');
    assert.equal(limited.status, 429, limited.text);
    assert.match(limited.headers.get('content-type'), /^application\/problem\+json/);
    const retry = Number(limited.headers.get('retry-after'));
    assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 15 * 60, `Retry-After: ${limited.headers.get('retry-after')}`);
    const right = await login(env.baseUrl, 'victim', PASSWORD);
    assert.equal(right.status, 429, 'the correct password is refused while limited');
    assert.equal(right.cookie, null);
    assert.ok(Number(right.headers.get('retry-after')) >= 1);
    // Other accounts are not affected, and the victim's token still works.
    assert.equal((await login(env.baseUrl, 'boss')).status, 200);
    assert.equal((await env.as('victim')('GET', '/api/v1/customers')).status, 200);
  });

  test('a successful log-in resets the account\'s failure count', async () => {
    const fourFailures = async () => {
      const rs = await Promise.all([1, 2, 3, 4].map(() => login(env.baseUrl, 'resetter', 'bad-password')));
      for (const r of rs) assert.equal(r.status, 401);
    };
    await fourFailures();
    assert.equal((await login(env.baseUrl, 'resetter')).status, 200);
    await fourFailures();
    assert.equal((await login(env.baseUrl, 'resetter')).status, 200);
  });
});

describe('disabled users', () => {
  test('a disabled user can no longer use their token or session, nor log in; re-enabling restores the token', async () => {
    const ghost = env.as('ghost');
    const sess = await login(env.baseUrl, 'ghost');
    assert.equal(sess.status, 200);
    assert.equal((await ghost('GET', '/api/v1/customers')).status, 200);
    const u = await admin('GET', `/api/v1/users/${env.ids.ghost}`);
    assert.equal(u.status, 200);
    assert.equal(u.json.disabled, false);
    const d = await admin('PATCH', `/api/v1/users/${env.ids.ghost}`, { disabled: true }, { 'if-match': `"${u.json.version}"` });
    assert.equal(d.status, 200, d.text);
    assert.equal(d.json.disabled, true);
    assert.equal(d.json.version, u.json.version + 1);

    assertProblem(await ghost('GET', '/api/v1/customers'), 401);
    assertProblem(await ghost('POST', '/api/v1/customers', { kind: 'organization', name: '停用后' }), 401);
    assertProblem(await cookieClient(env.baseUrl, sess.cookie)('GET', '/api/v1/session'), 401);
    assertProblem(await cookieClient(env.baseUrl, sess.cookie)('GET', '/api/v1/customers'), 401);
    assertProblem(await cookieClient(env.baseUrl, sess.cookie, sess.csrf)('POST', '/api/v1/customers', { kind: 'organization', name: '停用后' }), 401);
    const again = await login(env.baseUrl, 'ghost');
    assert.equal(again.status, 401);
    assert.equal(again.json.detail, 'wrong login or password');

    const e = await admin('PATCH', `/api/v1/users/${env.ids.ghost}`, { disabled: false }, { 'if-match': `"${d.json.version}"` });
    assert.equal(e.status, 200, e.text);
    assert.equal((await ghost('GET', '/api/v1/customers')).status, 200);
  });

  test('disabling ends sessions for good: after re-enabling, the old session stays dead', async () => {
    const sess = await login(env.baseUrl, 'ghost');
    assert.equal(sess.status, 200);
    let u = (await admin('GET', `/api/v1/users/${env.ids.ghost}`)).json;
    u = (await admin('PATCH', `/api/v1/users/${env.ids.ghost}`, { disabled: true }, { 'if-match': `"${u.version}"` })).json;
    u = (await admin('PATCH', `/api/v1/users/${env.ids.ghost}`, { disabled: false }, { 'if-match': `"${u.version}"` })).json;
    assert.equal(u.disabled, false);
    assertProblem(await cookieClient(env.baseUrl, sess.cookie)('GET', '/api/v1/session'), 401);
    assert.equal((await env.as('ghost')('GET', '/api/v1/customers')).status, 200, 'tokens survive');
  });

  test('a password change ends the user\'s sessions; only the new password logs in', async () => {
    const sess = await login(env.baseUrl, 'rep');
    assert.equal(sess.status, 200);
    const u = (await admin('GET', `/api/v1/users/${env.ids.rep}`)).json;
    const p = await admin('PATCH', `/api/v1/users/${env.ids.rep}`, { password: 'a-brand-new-password' }, { 'if-match': `"${u.version}"` });
    assert.equal(p.status, 200, p.text);
    assertProblem(await cookieClient(env.baseUrl, sess.cookie)('GET', '/api/v1/session'), 401);
    assertProblem(await cookieClient(env.baseUrl, sess.cookie)('GET', '/api/v1/customers'), 401);
    assert.equal((await login(env.baseUrl, 'rep')).status, 401);
    assert.equal((await login(env.baseUrl, 'rep', 'a-brand-new-password')).status, 200);
    assertProblem(await admin('PATCH', `/api/v1/users/${env.ids.rep}`, { password: 'short' }, { 'if-match': `"${p.json.version}"` }), 422, 'password');
  });

  test('an admin cannot disable their own account (422)', async () => {
    const u = await admin('GET', `/api/v1/users/${env.ids.boss}`);
    assertProblem(await admin('PATCH', `/api/v1/users/${env.ids.boss}`, { disabled: true }, { 'if-match': `"${u.json.version}"` }), 422, 'disabled');
    assert.equal((await admin('GET', '/api/v1/customers')).status, 200);
  });
});

describe('API tokens', () => {
  test('POST /api/v1/tokens returns a secret usable as a bearer; GET lists it without the secret; DELETE revokes it', async () => {
    const rep = env.as('rep');
    const c = await rep('POST', '/api/v1/tokens', { name: 'ci-pipeline' });
    assert.equal(c.status, 201, c.text);
    assert.equal(c.headers.get('cache-control'), 'no-store');
    assert.match(c.json.token, /^gx_[A-Za-z0-9_-]{20,}$/);
    assert.equal(c.json.name, 'ci-pipeline');
    assert.equal(typeof c.json.id, 'number');
    const fresh = apiClient(env.baseUrl, c.json.token);
    const me = await fresh('GET', '/api/v1/customers');
    assert.equal(me.status, 200);
    const made = await fresh('POST', '/api/v1/customers', { kind: 'organization', name: '新令牌创建' });
    assert.equal(made.status, 201);
    assert.equal(made.json.owner_user_id, env.ids.rep, 'the token acts as its user');

    const list = await fresh('GET', '/api/v1/tokens');
    assert.equal(list.status, 200);
    const entry = list.json.items.find((t) => t.id === c.json.id);
    assert.ok(entry, JSON.stringify(list.json));
    assert.equal(entry.name, 'ci-pipeline');
    assert.ok(!('token' in entry));
    assert.ok(!('token_hash' in entry));
    assert.ok(!list.text.includes(c.json.token), 'the secret is never listed');
    assert.ok(!list.text.includes(c.json.token.slice(3)), 'not even without its prefix');
    assert.notEqual(entry.last_used_at, null, 'last_used_at set after use');
    // Only the caller's own tokens are listed.
    const bossList = await admin('GET', '/api/v1/tokens');
    assert.ok(!bossList.json.items.some((t) => t.id === c.json.id));
    // Another user cannot revoke it.
    assertProblem(await admin('DELETE', `/api/v1/tokens/${c.json.id}`), 404);
    assert.equal((await fresh('GET', '/api/v1/customers')).status, 200);

    const d = await rep('DELETE', `/api/v1/tokens/${c.json.id}`);
    assert.equal(d.status, 204);
    assertProblem(await fresh('GET', '/api/v1/customers'), 401);
    assertProblem(await rep('DELETE', `/api/v1/tokens/${c.json.id}`), 404);
    assert.ok(!(await rep('GET', '/api/v1/tokens')).json.items.some((t) => t.id === c.json.id));
    assert.equal((await rep('GET', '/api/v1/customers')).status, 200, 'the other token still works');
  });

  test('a token without a name is called "api"; names over 100 characters → 422', async () => {
    const r = await admin('POST', '/api/v1/tokens', {});
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, 'api');
    assertProblem(await admin('POST', '/api/v1/tokens', { name: '长'.repeat(101) }), 422, 'name');
  });

  test('a token created through a session works as a bearer', async () => {
    const s = await login(env.baseUrl, 'boss');
    const r = await cookieClient(env.baseUrl, s.cookie, s.csrf)('POST', '/api/v1/tokens', { name: '浏览器创建' });
    assert.equal(r.status, 201, r.text);
    assert.equal((await apiClient(env.baseUrl, r.json.token)('GET', '/api/v1/audit?limit=1')).status, 200);
  });
});

describe('per-address throttling', () => {
  test('20 failures from one address → 429 for any account from it', async () => {
    const tmp = tempDb();
    await addUserAsync(tmp.db, 'solo', 'sales');
    const s = await startServer({ db: tmp.db });
    try {
      const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => login(s.baseUrl, `stranger${i}`, 'whatever-pw')));
      for (const r of rs) assert.equal(r.status, 401, r.text);
      const r = await login(s.baseUrl, 'solo');
      assert.equal(r.status, 429, r.text);
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
    } finally {
      await s.stop();
      tmp.cleanup();
    }
  });
});
