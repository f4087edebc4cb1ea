// Users and teams through the API (admin), and what other roles may read.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, PASSWORD, login } from '../lib/api-helpers.mjs';

let env, admin;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }, { login: 'rep', role: 'sales', team: '华东销售部' }] });
  admin = env.as('boss');
});
after(async () => { await env?.stop(); });

describe('teams', () => {
  let team;
  test('POST /api/v1/teams → 201; the name is trimmed; GET lists it', async () => {
    const r = await admin('POST', '/api/v1/teams', { name: '  华北销售部  ' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, '华北销售部');
    assert.equal(r.json.manager_user_id, null);
    assert.equal(typeof r.json.id, 'number');
    team = r.json;
    const list = await admin('GET', '/api/v1/teams');
    assert.equal(list.status, 200);
    assert.equal(list.json.next, null);
    assert.deepEqual(list.json.items.map((t) => t.name).sort(), ['华东销售部', '华北销售部'].sort());
  });

  test('team validation: empty, too long, duplicate, unknown manager', async () => {
    assertProblem(await admin('POST', '/api/v1/teams', { name: '   ' }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/teams', {}), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/teams', { name: '队'.repeat(101) }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/teams', { name: '华北销售部' }), 409);
    assertProblem(await admin('POST', '/api/v1/teams', { name: '新队', manager_user_id: 999999 }), 422, 'manager_user_id');
    assert.equal((await admin('GET', '/api/v1/teams')).json.items.length, 2);
  });

  test('PATCH /api/v1/teams/{id} renames and sets the manager (no If-Match needed)', async () => {
    const r = await admin('PATCH', `/api/v1/teams/${team.id}`, { name: '华北大区', manager_user_id: env.ids.boss });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.name, '华北大区');
    assert.equal(r.json.manager_user_id, env.ids.boss);
    const clear = await admin('PATCH', `/api/v1/teams/${team.id}`, { manager_user_id: null });
    assert.equal(clear.status, 200);
    assert.equal(clear.json.manager_user_id, null);
    assert.equal(clear.json.name, '华北大区');
    assertProblem(await admin('PATCH', `/api/v1/teams/${team.id}`, { name: '华东销售部' }), 409);
    assertProblem(await admin('PATCH', '/api/v1/teams/999999', { name: '不存在' }), 404);
  });

  test('every role may read teams and users', async () => {
    const rep = env.as('rep');
    const t = await rep('GET', '/api/v1/teams');
    assert.equal(t.status, 200);
    assert.ok(t.json.items.length >= 2);
    const u = await rep('GET', '/api/v1/users');
    assert.equal(u.status, 200);
    assert.deepEqual(u.json.items.map((x) => x.login).sort(), ['boss', 'rep']);
    for (const x of u.json.items) {
      assert.deepEqual(Object.keys(x).sort(), ['created_at', 'disabled', 'display_name', 'id', 'login', 'role', 'team_id', 'team_name', 'version']);
    }
    assert.ok(!u.text.includes('argon2'));
    const one = await rep('GET', `/api/v1/users/${env.ids.boss}`);
    assert.equal(one.status, 200);
    assert.equal(one.json.login, 'boss');
    assert.equal(one.headers.get('etag'), `"${one.json.version}"`);
  });
});

describe('users', () => {
  let created;
  test('POST /api/v1/users (admin) → 201: login folded to lower case, display name defaults to login', async () => {
    const teams = (await admin('GET', '/api/v1/teams')).json.items;
    const north = teams.find((t) => t.name === '华北大区');
    const r = await admin('POST', '/api/v1/users', { login: '  Zhao.Min  ', role: 'manager', team_id: north.id, password: PASSWORD });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.login, 'zhao.min');
    assert.equal(r.json.display_name, 'zhao.min');
    assert.equal(r.json.role, 'manager');
    assert.equal(r.json.team_id, north.id);
    assert.equal(r.json.team_name, '华北大区');
    assert.equal(r.json.version, 1);
    assert.equal(r.headers.get('etag'), '"1"');
    created = r.json;
    const s = await login(env.baseUrl, 'ZHAO.MIN');
    assert.equal(s.status, 200, s.text);
  });

  test('a missing role defaults to sales', async () => {
    const r = await admin('POST', '/api/v1/users', { login: 'default-role', password: PASSWORD });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.role, 'sales');
  });

  test('user validation → 422 naming each bad field; nothing created', async () => {
    const before = (await admin('GET', '/api/v1/users')).json.items.length;
    assertProblem(await admin('POST', '/api/v1/users', { login: 'a', password: PASSWORD }), 422, 'login');
    assertProblem(await admin('POST', '/api/v1/users', { login: '-dash', password: PASSWORD }), 422, 'login');
    assertProblem(await admin('POST', '/api/v1/users', { login: '王五', password: PASSWORD }), 422, 'login');
    assertProblem(await admin('POST', '/api/v1/users', { login: 'x'.repeat(65), password: PASSWORD }), 422, 'login');
    assertProblem(await admin('POST', '/api/v1/users', { login: 'pw-short', password: '1234567' }), 422, 'password');
    assertProblem(await admin('POST', '/api/v1/users', { login: 'pw-long', password: 'p'.repeat(257) }), 422, 'password');
    assertProblem(await admin('POST', '/api/v1/users', { login: 'no-pw' }), 422, 'password');
    assertProblem(await admin('POST', '/api/v1/users', { login: 'dn-long', display_name: '名'.repeat(101), password: PASSWORD }), 422, 'display_name');
    assertProblem(await admin('POST', '/api/v1/users', { login: 'role-bad', role: 'Admin', password: PASSWORD }), 422, 'role');
    assertProblem(await admin('POST', '/api/v1/users', { login: 'ZHAO.MIN', password: PASSWORD }), 409, 'login');
    const p = assertProblem(await admin('POST', '/api/v1/users', { login: 'a', password: 'x' }), 422);
    assert.ok(p.errors.some((e) => e.field === 'login') && p.errors.some((e) => e.field === 'password'), 'both reported');
    assert.equal((await admin('GET', '/api/v1/users')).json.items.length, before);
  });

  test('PATCH /api/v1/users/{id}: If-Match required, stale → 409, display name, role and team change', async () => {
    assertProblem(await admin('PATCH', `/api/v1/users/${created.id}`, { display_name: '赵敏' }), 428, 'If-Match');
    const r = await admin('PATCH', `/api/v1/users/${created.id}`, { display_name: '赵敏', role: 'sales' }, { 'if-match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.display_name, '赵敏');
    assert.equal(r.json.role, 'sales');
    assert.equal(r.json.version, 2);
    assert.equal(r.headers.get('etag'), '"2"');
    assertProblem(await admin('PATCH', `/api/v1/users/${created.id}`, { display_name: '过期' }, { 'if-match': '"1"' }), 409);
    assertProblem(await admin('PATCH', `/api/v1/users/${created.id}`, { display_name: '' }, { 'if-match': '"2"' }), 422, 'display_name');
    assertProblem(await admin('PATCH', `/api/v1/users/${created.id}`, { team_id: 999999 }, { 'if-match': '"2"' }), 422, 'team_id');
    assertProblem(await admin('PATCH', `/api/v1/users/${created.id}`, { login: 'renamed' }, { 'if-match': '"2"' }), 422, 'login');
    const clear = await admin('PATCH', `/api/v1/users/${created.id}`, { team_id: null }, { 'if-match': '"2"' });
    assert.equal(clear.status, 200, clear.text);
    assert.equal(clear.json.team_id, null);
    assert.equal(clear.json.team_name, '');
    const g = await admin('GET', `/api/v1/users/${created.id}`);
    assert.equal(g.json.version, 3);
    assert.equal(g.json.display_name, '赵敏');
    assert.equal(g.json.login, 'zhao.min');
  });

  test('a customer cannot be assigned to a disabled user', async () => {
    const u = (await admin('GET', `/api/v1/users/${created.id}`)).json;
    const d = await admin('PATCH', `/api/v1/users/${created.id}`, { disabled: true }, { 'if-match': `"${u.version}"` });
    assert.equal(d.status, 200);
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: '给停用用户', owner_user_id: created.id }), 422, 'owner_user_id');
    const c = await createCustomer(admin, { name: '改派给停用用户' });
    assertProblem(await admin('PATCH', `/api/v1/customers/${c.id}`, { owner_user_id: created.id }, { 'if-match': '"1"' }), 422, 'owner_user_id');
  });

  test('user changes are audited with before/after', async () => {
    const a = await admin('GET', `/api/v1/audit?entity=user&entity_id=${created.id}`);
    const actions = a.json.items.map((x) => x.action);
    assert.deepEqual(actions, ['update', 'update', 'update', 'create']);
    assert.equal(a.json.items[2].before.display_name, 'zhao.min');
    assert.equal(a.json.items[2].after.display_name, '赵敏');
    assert.equal(a.json.items[0].after.disabled, true);
    assert.ok(a.json.items.every((x) => x.user_login === 'boss'));
  });
});
