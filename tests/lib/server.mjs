// Starts real Guanxi processes for the API and end-to-end suites: a fresh database
// for each caller of tempDb(), a server on 127.0.0.1 with a port the OS picks, and
// users and tokens made through the CLI exactly as a script would.
//
// The database is an SQLite file in a temp directory, or, when GUANXI_TEST_PG holds
// the URL of a PostgreSQL cluster (postgresql://guanxi@127.0.0.1:PORT/postgres, see
// scripts/pg-cluster.sh), a fresh database in that cluster.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const guanxiBin = process.env.GUANXI_BIN || path.join(repoRoot, 'build/release/guanxi');
export const webRoot = path.join(repoRoot, 'web/dist');

export const pgBin = process.env.GUANXI_PG_BIN || '/usr/lib/postgresql/15/bin';

/** 'postgresql' when the suites run against GUANXI_TEST_PG, else 'sqlite'. */
export function backend() {
  return process.env.GUANXI_TEST_PG ? 'postgresql' : 'sqlite';
}

/** The URL of database `name` in the GUANXI_TEST_PG cluster (which need not exist). */
export function pgDatabaseUrl(name) {
  const url = new URL(process.env.GUANXI_TEST_PG);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs SQL through psql against `url`; throws with psql's message on an error. */
export function psql(url, sql) {
  try {
    return execFileSync(path.join(pgBin, 'psql'), ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-d', url, '-c', sql],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`psql ${sql}: ${e.stderr || e.message}`);
  }
}

let pgDatabases = 0;

// A fresh database: { dir, db, cleanup }. `dir` is a temp directory for other
// files in every case; `db` is what `--db` takes (a file in `dir`, or the URL of a
// new PostgreSQL database); cleanup() drops or deletes both.
export function tempDb() {
  const dir = mkdtempSync(path.join(tmpdir(), 'guanxi-test-'));
  if (backend() === 'sqlite') {
    return { dir, db: path.join(dir, 'guanxi.db'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `gx_${process.pid}_${++pgDatabases}_${randomBytes(4).toString('hex')}`;
  try {
    psql(process.env.GUANXI_TEST_PG, `CREATE DATABASE "${name}"`);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    db: pgDatabaseUrl(name),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      // A guanxi that does not understand the URL takes it for a file name and
      // leaves the database empty: then the test proved nothing about PostgreSQL.
      let tables;
      try { tables = Number(psql(pgDatabaseUrl(name), "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")); } catch { tables = -1; }
      psql(process.env.GUANXI_TEST_PG, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      if (tables === 0) throw new Error(`guanxi created no tables in ${name}: does ${guanxiBin} take postgresql:// URLs for --db?`);
    },
  };
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
