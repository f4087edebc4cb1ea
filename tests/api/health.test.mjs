// Operational endpoints: /healthz, /metrics, the OpenAPI document, /api/v1/meta.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem } from '../lib/api-helpers.mjs';

let env, admin;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }] });
  admin = env.as('boss');
});
after(async () => { await env?.stop(); });

test('/healthz → 200 {"status":"ok"} without credentials', async () => {
  const r = await env.anon('GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(r.json, { status: 'ok' });
});

test('/metrics exposes guanxi_http_requests_total by method, route pattern and status', async () => {
  assert.equal((await admin('GET', '/api/v1/customers/424242')).status, 404);
  assert.equal((await admin('GET', '/api/v1/customers/434343')).status, 404);
  assert.equal((await admin('GET', '/api/v1/customers')).status, 200);
  const r = await env.anon('GET', '/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  assert.match(r.text, /^# TYPE guanxi_http_requests_total counter$/m);
  const line = (route, method, status) => {
    const re = new RegExp(`^guanxi_http_requests_total\\{method="${method}",route="${route.replace(/[{}/]/g, '\\$&')}",status="${status}"\\} (\\d+)$`, 'm');
    const m = r.text.match(re);
    return m ? Number(m[1]) : null;
  };
  assert.equal(line('/api/v1/customers/{id}', 'GET', 404), 2, 'both ids counted under the route pattern');
  assert.ok(line('/api/v1/customers', 'GET', 200) >= 1);
  assert.ok(line('/healthz', 'GET', 200) >= 1);
  assert.ok(!r.text.includes('424242'), 'raw ids never become labels');
  assert.match(r.text, /^guanxi_http_request_duration_seconds_bucket\{method="GET",route="\/api\/v1\/customers",status="200",le="\+Inf"\} \d+$/m);
  assert.match(r.text, /^guanxi_http_in_flight_requests \d+$/m);
  // Counters grow.
  assert.equal((await admin('GET', '/api/v1/customers/424242')).status, 404);
  const r2 = await env.anon('GET', '/metrics');
  assert.match(r2.text, /guanxi_http_requests_total\{method="GET",route="\/api\/v1\/customers\/\{id\}",status="404"\} 3\n/);
});

test('/api/v1/openapi.json is an OpenAPI document listing every route', async () => {
  const r = await env.anon('GET', '/api/v1/openapi.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.ok(r.json, 'parses as JSON');
  assert.match(r.json.openapi, /^3\.\d+\.\d+$/);
  assert.equal(typeof r.json.info?.title, 'string');
  const routes = {
    '/api/v1/session': ['post', 'get', 'delete'],
    '/api/v1/customers': ['get', 'post'],
    '/api/v1/customers/{id}': ['get', 'patch', 'delete'],
    '/api/v1/customers/{id}/archive': ['post'],
    '/api/v1/customers/{id}/restore': ['post'],
    '/api/v1/customers/{id}/contacts': ['get'],
    '/api/v1/contacts': ['post'],
    '/api/v1/contacts/{id}': ['get', 'patch', 'delete'],
    '/api/v1/users': ['get', 'post'],
    '/api/v1/users/{id}': ['get', 'patch'],
    '/api/v1/teams': ['get', 'post'],
    '/api/v1/teams/{id}': ['patch'],
    '/api/v1/tokens': ['get', 'post'],
    '/api/v1/tokens/{id}': ['delete'],
    '/api/v1/audit': ['get'],
    '/api/v1/meta': ['get'],
  };
  for (const [path, methods] of Object.entries(routes)) {
    assert.ok(r.json.paths?.[path], `spec has ${path}`);
    for (const m of methods) assert.ok(r.json.paths[path][m], `spec has ${m.toUpperCase()} ${path}`);
  }
});

test('/api/v1/meta lists the vocabularies (authenticated)', async () => {
  assertProblem(await env.anon('GET', '/api/v1/meta'), 401);
  const r = await admin('GET', '/api/v1/meta');
  assert.equal(r.status, 200);
  assert.deepEqual(r.json.kinds, ['organization', 'individual']);
  assert.deepEqual(r.json.relationships, ['non', 'potential', 'target', 'current', 'lost']);
  assert.deepEqual(r.json.roles.slice().sort(), ['admin', 'analyst', 'manager', 'sales', 'service']);
  assert.ok(r.json.provinces.includes('浙江省'));
  assert.ok(r.json.sources.includes('referral'));
});
