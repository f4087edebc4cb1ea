// Helpers shared by the HTTP API suite (tests/api/). Node built-ins only.
//
//   const env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }] });
//   const r = await env.as('boss')('GET', '/api/v1/customers');
//   assertProblem(r, 404);
//   await env.stop();
//
// Users are created through the CLI (`guanxi user add`), in parallel, because
// every one costs an argon2 hash; tokens through `guanxi token create`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { tempDb, startServer, apiClient, guanxiBin } from './server.mjs';

export const PASSWORD = 'correct-horse-battery';

// Runs the guanxi binary; resolves { code, stdout, stderr } whatever the exit code.
export function run(args, input) {
  return new Promise((resolve) => {
    const child = execFile(guanxiBin, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      });
    // A command that fails before reading stdin closes it: that EPIPE is expected.
    child.stdin.on('error', (e) => { if (e.code !== 'EPIPE') throw e; });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

// `guanxi user add`; returns the new user's id (parsed from the CLI's message).
export async function addUserAsync(db, login, role, password = PASSWORD, team) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (team) args.push('--team', team);
  const r = await run(args, password);
  if (r.code !== 0) throw new Error(`user add ${login} failed (${r.code}): ${r.stderr}`);
  const m = r.stderr.match(/created with id (\d+)/);
  return m ? Number(m[1]) : undefined;
}

export async function createTokenAsync(db, login) {
  const r = await run(['token', 'create', '--db', db, '--login', login]);
  if (r.code !== 0) throw new Error(`token create ${login} failed (${r.code}): ${r.stderr}`);
  return r.stdout.trim();
}

// A fresh DB with `users` ({login, role, team}) and a token for each, plus a
// running server. Teams are created by name; users with the same team share it.
// Users are added one team at a time so concurrent `user add --team X` never
// race to create the same team.
export async function setupEnv({ users = [], serverArgs = [] } = {}) {
  const tmp = tempDb();
  const ids = {};
  const tokens = {};
  const teamFirst = new Map();
  const rest = [];
  for (const u of users) {
    if (u.team && !teamFirst.has(u.team)) teamFirst.set(u.team, u);
    else rest.push(u);
  }
  const add = async (u) => { ids[u.login] = await addUserAsync(tmp.db, u.login, u.role, u.password || PASSWORD, u.team); };
  await parallel([...teamFirst.values()], 2, add);
  await parallel(rest, 2, add);
  await Promise.all(users.map(async (u) => { tokens[u.login] = await createTokenAsync(tmp.db, u.login); }));
  const server = await startServer({ db: tmp.db, extraArgs: serverArgs });
  const env = {
    db: tmp.db,
    dir: tmp.dir,
    server,
    baseUrl: server.baseUrl,
    ids,
    tokens,
    // Clients follow env.server across restarts.
    as: (login) => (...a) => apiClient(env.server.baseUrl, tokens[login])(...a),
    anon: (...a) => apiClient(env.server.baseUrl)(...a),
    async restart() {
      await env.server.stop();
      env.server = await startServer({ db: tmp.db, extraArgs: serverArgs });
      env.baseUrl = env.server.baseUrl;
      return env.server;
    },
    async stop() {
      if (env.server) await env.server.stop();
      tmp.cleanup();
    },
  };
  return env;
}

// Runs fn over items with at most `width` in flight.
export async function parallel(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

// Asserts an RFC 9457 problem answer with the given status; when `field` is
// given, errors[] must name it. Returns the problem body.
export function assertProblem(r, status, field) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  const ct = r.headers.get('content-type') || '';
  assert.match(ct, /^application\/problem\+json/, `content-type of a ${status} answer: ${ct}`);
  assert.ok(r.json && typeof r.json === 'object', `problem body is JSON: ${r.text}`);
  assert.equal(typeof r.json.type, 'string');
  assert.equal(typeof r.json.title, 'string');
  assert.ok(r.json.title.length > 0);
  assert.equal(r.json.status, status);
  assert.equal(typeof r.json.detail, 'string');
  if (field !== undefined) {
    assert.ok(Array.isArray(r.json.errors), `errors[] present: ${r.text}`);
    assert.ok(r.json.errors.some((e) => e.field === field),
      `errors[] names ${JSON.stringify(field)}: ${JSON.stringify(r.json.errors)}`);
  }
  return r.json;
}

// Every page of a list endpoint; returns { items, pages } (pages = page sizes).
export async function listAll(api, path, { limit = 50, maxPages = 100, after = null } = {}) {
  const items = [];
  const pages = [];
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const url = `${path}${sep}limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`;
    const r = await api('GET', url);
    assert.equal(r.status, 200, `${url}: ${r.text}`);
    assert.ok(Array.isArray(r.json.items));
    assert.ok('next' in r.json);
    items.push(...r.json.items);
    pages.push(r.json.items.length);
    if (r.json.next === null) return { items, pages };
    assert.equal(typeof r.json.next, 'string');
    after = r.json.next;
  }
  throw new Error(`more than ${maxPages} pages at ${path}`);
}

export function q(params) {
  return new URLSearchParams(params).toString();
}

// Creates a customer as `api`; asserts 201 and returns the body.
export async function createCustomer(api, fields) {
  const r = await api('POST', '/api/v1/customers', { kind: 'organization', ...fields });
  assert.equal(r.status, 201, `create ${JSON.stringify(fields)}: ${r.text}`);
  return r.json;
}

// Logs in; returns { status, cookie, csrf, json, res }.
export async function login(baseUrl, loginName, password = PASSWORD) {
  const res = await fetch(`${baseUrl}/api/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ login: loginName, password }),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  const setCookie = res.headers.get('set-cookie') || '';
  const m = setCookie.match(/gx_session=([^;]*)/);
  return { status: res.status, cookie: m ? `gx_session=${m[1]}` : null, setCookie, csrf: json?.csrf_token, json, res, text, headers: res.headers };
}

// A client that sends a session cookie (and optionally X-CSRF-Token) instead of a bearer.
export function cookieClient(baseUrl, cookie, csrf) {
  const api = apiClient(baseUrl);
  return (method, url, body, headers = {}) => {
    const h = { ...headers };
    if (cookie) h.cookie = cookie;
    if (csrf) h['x-csrf-token'] = csrf;
    return api(method, url, body, h);
  };
}

// A fresh TCP connection for one HTTP/1.1 request, opened before the request is
// sent (so a test can wait until the server has accepted it):
//   const c = await openConnection(port);
//   await c.send('POST', '/api/v1/customers', headers, body); // bytes handed to the kernel
//   const { status, headers, body } = await c.response;      // rejects if closed unanswered
export function openConnection(port) {
  return new Promise((resolveOpen, rejectOpen) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    const chunks = [];
    let settled = false;
    let resolveResp, rejectResp;
    const response = new Promise((res, rej) => { resolveResp = res; rejectResp = rej; });
    response.catch(() => {});
    const finish = (err) => {
      if (settled) return;
      settled = true;
      const buf = Buffer.concat(chunks);
      const text = buf.toString('utf8');
      const m = text.match(/^HTTP\/1\.[01] (\d{3})/);
      if (!m) { rejectResp(new Error(`connection closed without an HTTP response (${buf.length} bytes${err ? `, ${err.code || err.message}` : ''})`)); return; }
      const headEnd = text.indexOf('\r\n\r\n');
      const hdrs = {};
      for (const line of text.slice(0, headEnd).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        hdrs[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolveResp({ status: Number(m[1]), headers: hdrs, body: text.slice(headEnd + 4) });
    };
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e) => finish(e));
    sock.once('connect', () => {
      resolveOpen({
        socket: sock,
        response,
        send(method, path, headers, body) {
          const payload = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
          let head = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n`;
          for (const [k, v] of Object.entries(headers || {})) head += `${k}: ${v}\r\n`;
          head += `Content-Length: ${payload.length}\r\n\r\n`;
          return new Promise((res, rej) => sock.write(Buffer.concat([Buffer.from(head), payload]), (e) => (e ? rej(e) : res())));
        },
      });
    });
    sock.once('error', (e) => rejectOpen(e));
  });
}

// One request over a fresh connection; resolves once the bytes are handed to
// the kernel, with { response } as in openConnection.
export async function rawRequest(port, method, path, headers, body) {
  const c = await openConnection(port);
  await c.send(method, path, headers, body);
  return c;
}

// The value of a gauge in /metrics (no labels), or NaN.
export async function gauge(baseUrl, name) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const m = text.match(new RegExp(`^${name} (\\S+)$`, 'm'));
  return m ? Number(m[1]) : NaN;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
