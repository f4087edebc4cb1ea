// Starts real Guanxi processes for the API and end-to-end suites: a fresh SQLite
// file in a temp directory, a server on 127.0.0.1 with a port the OS picks, and
// users and tokens made through the CLI exactly as a script would.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const guanxiBin = process.env.GUANXI_BIN || path.join(repoRoot, 'build/release/guanxi');
export const webRoot = path.join(repoRoot, 'web/dist');

export function tempDb() {
  const dir = mkdtempSync(path.join(tmpdir(), 'guanxi-test-'));
  return { dir, db: path.join(dir, 'guanxi.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function cli(args, input) {
  return execFileSync(guanxiBin, args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

export function addUser(db, login, role, password, team) {
  const args = ['user', 'add', '--db', db, '--login', login, '--role', role, '--password-stdin'];
  if (team) args.push('--team', team);
  return cli(args, password);
}

export function createToken(db, login) {
  return cli(['token', 'create', '--db', db, '--login', login]).trim();
}

// Starts `guanxi serve` and resolves once /healthz answers 200.
export async function startServer({ db, extraArgs = [], env = {} } = {}) {
  const child = spawn(guanxiBin, ['serve', '--db', db, '--host', '127.0.0.1', '--port', '0',
    '--web-root', webRoot, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${baseUrl}/healthz`)).status === 200) break; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    baseUrl, port, child, stderr: () => stderr,
    async stop(signal = 'SIGTERM') { if (child.exitCode === null && child.signalCode === null) child.kill(signal); return exited; },
  };
}

// A small JSON client: api(baseUrl, token)('POST', '/api/v1/customers', body, headers)
export function apiClient(baseUrl, token) {
  return async (method, url, body, headers = {}) => {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload;
    if (body !== undefined) {
      h['content-type'] = h['content-type'] || 'application/json';
      payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    }
    const res = await fetch(baseUrl + url, { method, headers: h, body: payload });
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
    return { status: res.status, headers: res.headers, json, text };
  };
}
