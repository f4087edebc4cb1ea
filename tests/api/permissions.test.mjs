// Roles and ownership: who sees which customers, who may change them, and the
// admin-only endpoints. Another user's invisible record answers 404, not 403.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, listAll, q, PASSWORD, login } from '../lib/api-helpers.mjs';

let env, as, ids;
let cA1, cA2, cB1, cMgrA, cUnowned;

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'boss', role: 'admin' },
      { login: 'mgr-east', role: 'manager', team: '华东销售部' },
      { login: 'rep-east-1', role: 'sales', team: '华东销售部' },
      { login: 'rep-east-2', role: 'sales', team: '华东销售部' },
      { login: 'mgr-south', role: 'manager', team: '华南销售部' },
      { login: 'rep-south', role: 'sales', team: '华南销售部' },
      { login: 'svc', role: 'service' },
      { login: 'ana', role: 'analyst' },
    ],
  });
  as = env.as;
  ids = env.ids;
  cA1 = await createCustomer(as('rep-east-1'), { name: '华东一号客户', tags: ['perm'] });
  cA2 = await createCustomer(as('rep-east-2'), { name: '华东二号客户', tags: ['perm'] });
  cB1 = await createCustomer(as('rep-south'), { name: '华南一号客户', tags: ['perm'] });
  cMgrA = await createCustomer(as('mgr-east'), { name: '华东经理客户', tags: ['perm'] });
  cUnowned = await createCustomer(as('boss'), { name: '无主客户', tags: ['perm'] });
  for (const c of [cA1, cA2, cB1]) {
    const r = await as('boss')('POST', '/api/v1/contacts', { customer_id: c.id, name: `${c.name}联系人` });
    assert.equal(r.status, 201);
  }
});
after(async () => { await env?.stop(); });

const visibleIds = async (login, params = {}) => {
  const { items } = await listAll(as(login), `/api/v1/customers?${q({ tag: 'perm', ...params })}`, { limit: 200 });
  return items.map((c) => c.id).sort((a, b) => a - b);
};
const sortIds = (...cs) => cs.map((c) => c.id).sort((a, b) => a - b);

describe('visibility', () => {
  test('owners are set from the creator', () => {
    assert.equal(cA1.owner_user_id, ids['rep-east-1']);
    assert.equal(cA2.owner_user_id, ids['rep-east-2']);
    assert.equal(cB1.owner_user_id, ids['rep-south']);
    assert.equal(cMgrA.owner_user_id, ids['mgr-east']);
    assert.equal(cUnowned.owner_user_id, null);
  });

  test('sales sees only their own customers in lists and searches', async () => {
    assert.deepEqual(await visibleIds('rep-east-1'), sortIds(cA1));
    assert.deepEqual(await visibleIds('rep-east-1', { q: '客户' }), sortIds(cA1));
    assert.deepEqual(await visibleIds('rep-east-1', { q: '华东二号' }), []);
    assert.deepEqual(await visibleIds('rep-east-1', { q: '二号' }), []);
    assert.deepEqual(await visibleIds('rep-east-1', { owner: String(ids['rep-east-2']) }), []);
    assert.deepEqual(await visibleIds('rep-south'), sortIds(cB1));
  });

  test('another rep\'s customer → 404 (not 403) for GET, PATCH, archive, contacts; nothing changes', async () => {
    const rep = as('rep-east-1');
    for (const [method, path, body, headers] of [
      ['GET', `/api/v1/customers/${cA2.id}`],
      ['PATCH', `/api/v1/customers/${cA2.id}`, { name: '偷改' }, { 'if-match': '"1"' }],
      ['PATCH', `/api/v1/customers/${cA2.id}`, { name: '偷改' }],
      ['POST', `/api/v1/customers/${cA2.id}/archive`],
      ['POST', `/api/v1/customers/${cA2.id}/restore`],
      ['DELETE', `/api/v1/customers/${cA2.id}`],
      ['GET', `/api/v1/customers/${cA2.id}/contacts`],
      ['GET', `/api/v1/customers/${cB1.id}`],
      ['GET', `/api/v1/customers/${cUnowned.id}`],
    ]) {
      const r = await rep(method, path, body, headers);
      try { assertProblem(r, 404); } catch (e) { e.message = `${method} ${path}: ${e.message}`; throw e; }
    }
    // The 404 for an invisible record is indistinguishable from a missing one.
    const missing = await rep('GET', '/api/v1/customers/999999');
    const hidden = await rep('GET', `/api/v1/customers/${cA2.id}`);
    assert.equal(hidden.json.title, missing.json.title);
    const g = await as('boss')('GET', `/api/v1/customers/${cA2.id}`);
    assert.equal(g.json.version, 1);
    assert.equal(g.json.name, '华东二号客户');
    assert.equal(g.json.archived, false);
  });

  test('sales cannot reach another rep\'s contacts (GET/PATCH/DELETE → 404) nor add one (422 customer_id)', async () => {
    const contacts = await as('boss')('GET', `/api/v1/customers/${cA2.id}/contacts`);
    const ct = contacts.json.items[0];
    const rep = as('rep-east-1');
    assertProblem(await rep('GET', `/api/v1/contacts/${ct.id}`), 404);
    assertProblem(await rep('PATCH', `/api/v1/contacts/${ct.id}`, { name: '偷改' }, { 'if-match': '"1"' }), 404);
    assertProblem(await rep('DELETE', `/api/v1/contacts/${ct.id}`), 404);
    assertProblem(await rep('POST', '/api/v1/contacts', { customer_id: cA2.id, name: '塞进去' }), 422, 'customer_id');
    // Nor move their own contact under someone else's customer.
    const mine = await rep('POST', '/api/v1/contacts', { customer_id: cA1.id, name: '我的联系人' });
    assert.equal(mine.status, 201);
    assertProblem(await rep('PATCH', `/api/v1/contacts/${mine.json.id}`, { customer_id: cA2.id }, { 'if-match': '"1"' }), 422, 'customer_id');
    const after = await as('boss')('GET', `/api/v1/customers/${cA2.id}/contacts`);
    assert.deepEqual(after.json.items, contacts.json.items);
  });

  test('manager sees the team\'s customers and their own, not another team\'s nor unowned ones', async () => {
    assert.deepEqual(await visibleIds('mgr-east'), sortIds(cA1, cA2, cMgrA));
    assert.deepEqual(await visibleIds('mgr-south'), sortIds(cB1));
    assert.deepEqual(await visibleIds('mgr-east', { q: '华南' }), []);
    const mgr = as('mgr-east');
    assert.equal((await mgr('GET', `/api/v1/customers/${cA2.id}`)).status, 200);
    assertProblem(await mgr('GET', `/api/v1/customers/${cB1.id}`), 404);
    assertProblem(await mgr('PATCH', `/api/v1/customers/${cB1.id}`, { name: '跨团队' }, { 'if-match': '"1"' }), 404);
    assertProblem(await mgr('GET', `/api/v1/customers/${cUnowned.id}`), 404);
  });

  test('service, analyst and admin see every customer', async () => {
    const all = sortIds(cA1, cA2, cB1, cMgrA, cUnowned);
    for (const who of ['svc', 'ana', 'boss']) {
      assert.deepEqual(await visibleIds(who), all, who);
      assert.equal((await as(who)('GET', `/api/v1/customers/${cB1.id}`)).status, 200, who);
      assert.equal((await as(who)('GET', `/api/v1/customers/${cA1.id}/contacts`)).status, 200, who);
    }
  });
});

describe('writes by role', () => {
  test('service and analyst: POST/PATCH/archive/DELETE customers and POST contacts → 403, nothing written', async () => {
    for (const who of ['svc', 'ana']) {
      const api = as(who);
      assertProblem(await api('POST', '/api/v1/customers', { kind: 'organization', name: `${who}新建` }), 403);
      assertProblem(await api('PATCH', `/api/v1/customers/${cA1.id}`, { name: `${who}改名` }, { 'if-match': `"${cA1.version}"` }), 403);
      assertProblem(await api('POST', `/api/v1/customers/${cA1.id}/archive`), 403);
      assertProblem(await api('DELETE', `/api/v1/customers/${cA1.id}`), 403);
      assertProblem(await api('POST', '/api/v1/contacts', { customer_id: cA1.id, name: `${who}联系人` }), 403);
      const contacts = await api('GET', `/api/v1/customers/${cA1.id}/contacts`);
      const ct = contacts.json.items[0];
      assertProblem(await api('PATCH', `/api/v1/contacts/${ct.id}`, { name: '改' }, { 'if-match': `"${ct.version}"` }), 403);
      assertProblem(await api('DELETE', `/api/v1/contacts/${ct.id}`), 403);
    }
    const g = await as('boss')('GET', `/api/v1/customers/${cA1.id}`);
    assert.equal(g.json.version, cA1.version);
    assert.equal(g.json.name, cA1.name);
    assert.equal(g.json.archived, false);
    assert.deepEqual(await visibleIds('boss', { q: '新建' }), []);
  });

  test('sales cannot assign a customer to another user (403), nor make it unowned; own id is fine', async () => {
    const rep = as('rep-east-1');
    assertProblem(await rep('POST', '/api/v1/customers', { kind: 'organization', name: '转给同事', owner_user_id: ids['rep-east-2'] }), 403);
    // An explicit null owner on create means "me"; making an owned customer unowned is refused.
    const mine = await rep('POST', '/api/v1/customers', { kind: 'organization', name: '空主人默认自己', owner_user_id: null });
    assert.equal(mine.status, 201, mine.text);
    assert.equal(mine.json.owner_user_id, ids['rep-east-1']);
    assertProblem(await rep('PATCH', `/api/v1/customers/${mine.json.id}`, { owner_user_id: null }, { 'if-match': '"1"' }), 403);
    assert.equal((await rep('GET', `/api/v1/customers/${mine.json.id}`)).json.owner_user_id, ids['rep-east-1']);
    const ok = await rep('POST', '/api/v1/customers', { kind: 'organization', name: '自己的', owner_user_id: ids['rep-east-1'] });
    assert.equal(ok.status, 201, ok.text);
    assertProblem(await rep('PATCH', `/api/v1/customers/${cA1.id}`, { owner_user_id: ids['rep-east-2'] }, { 'if-match': `"${cA1.version}"` }), 403);
    assert.equal((await as('boss')('GET', `/api/v1/customers/${cA1.id}`)).json.owner_user_id, ids['rep-east-1']);
    assert.deepEqual(await visibleIds('boss', { q: '转给' }), []);
  });

  test('sales may edit and archive their own customer, but not delete it (403)', async () => {
    const rep = as('rep-east-1');
    const p = await rep('PATCH', `/api/v1/customers/${cA1.id}`, { industry: '制造业' }, { 'if-match': `"${cA1.version}"` });
    assert.equal(p.status, 200, p.text);
    cA1 = p.json;
    const a = await rep('POST', `/api/v1/customers/${cA1.id}/archive`);
    assert.equal(a.status, 200);
    const r = await rep('POST', `/api/v1/customers/${cA1.id}/restore`);
    assert.equal(r.status, 200);
    cA1 = r.json;
    assertProblem(await rep('DELETE', `/api/v1/customers/${cA1.id}`), 403);
    assert.equal((await rep('GET', `/api/v1/customers/${cA1.id}`)).status, 200);
  });

  test('manager may reassign within the team (200) but not to another team (403)', async () => {
    const mgr = as('mgr-east');
    assertProblem(await mgr('PATCH', `/api/v1/customers/${cA2.id}`, { owner_user_id: ids['rep-south'] }, { 'if-match': '"1"' }), 403);
    const p = await mgr('PATCH', `/api/v1/customers/${cA2.id}`, { owner_user_id: ids['rep-east-1'] }, { 'if-match': '"1"' });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.owner_user_id, ids['rep-east-1']);
    assert.equal(p.json.owner_name, 'rep-east-1');
    // The new owner sees it now; the old one no longer does.
    assert.equal((await as('rep-east-1')('GET', `/api/v1/customers/${cA2.id}`)).status, 200);
    assertProblem(await as('rep-east-2')('GET', `/api/v1/customers/${cA2.id}`), 404);
    const back = await as('boss')('PATCH', `/api/v1/customers/${cA2.id}`, { owner_user_id: ids['rep-east-2'] }, { 'if-match': '"2"' });
    assert.equal(back.status, 200);
  });

  test('admin may assign any owner; unknown owner → 422', async () => {
    const boss = as('boss');
    const r = await boss('POST', '/api/v1/customers', { kind: 'organization', name: '分配给华南', owner_user_id: ids['rep-south'], tags: ['perm2'] });
    assert.equal(r.status, 201);
    assert.equal((await as('rep-south')('GET', `/api/v1/customers/${r.json.id}`)).status, 200);
    assertProblem(await boss('POST', '/api/v1/customers', { kind: 'organization', name: '分配给鬼', owner_user_id: 999999 }), 422, 'owner_user_id');
  });

  test('only admin may delete customers', async () => {
    const c = await createCustomer(as('mgr-east'), { name: '经理想删' });
    assertProblem(await as('mgr-east')('DELETE', `/api/v1/customers/${c.id}`), 403);
    assert.equal((await as('boss')('DELETE', `/api/v1/customers/${c.id}`)).status, 204);
    assertProblem(await as('boss')('GET', `/api/v1/customers/${c.id}`), 404);
  });
});

describe('admin-only endpoints', () => {
  const nonAdmins = ['mgr-east', 'rep-east-1', 'svc', 'ana'];

  test('POST /api/v1/users and /api/v1/teams → 403 for every other role; nothing created', async () => {
    const users = (await as('boss')('GET', '/api/v1/users')).json.items.length;
    const teams = (await as('boss')('GET', '/api/v1/teams')).json.items.length;
    for (const who of nonAdmins) {
      assertProblem(await as(who)('POST', '/api/v1/users', { login: `made-by-${who}`, password: PASSWORD, role: 'admin' }), 403);
      assertProblem(await as(who)('POST', '/api/v1/teams', { name: `${who}的团队` }), 403);
      assertProblem(await as(who)('PATCH', `/api/v1/users/${ids[who]}`, { role: 'admin' }, { 'if-match': '"1"' }), 403);
      assertProblem(await as(who)('PATCH', '/api/v1/teams/1', { name: '改名' }), 403);
    }
    assert.equal((await as('boss')('GET', '/api/v1/users')).json.items.length, users);
    assert.equal((await as('boss')('GET', '/api/v1/teams')).json.items.length, teams);
    for (const who of nonAdmins) {
      const me = await as('boss')('GET', `/api/v1/users/${ids[who]}`);
      assert.notEqual(me.json.role, 'admin');
    }
  });

  test('GET /api/v1/audit → 403 for every other role, 200 for admin', async () => {
    for (const who of nonAdmins) assertProblem(await as(who)('GET', '/api/v1/audit'), 403);
    assert.equal((await as('boss')('GET', '/api/v1/audit')).status, 200);
  });

  test('admin creates a team and a user in it; the user can log in and sees the right scope', async () => {
    const boss = as('boss');
    const t = await boss('POST', '/api/v1/teams', { name: '西南销售部' });
    assert.equal(t.status, 201, t.text);
    assert.equal(t.json.name, '西南销售部');
    assertProblem(await boss('POST', '/api/v1/teams', { name: '西南销售部' }), 409);
    const u = await boss('POST', '/api/v1/users', { login: 'rep-west', display_name: '西部代表', role: 'sales', team_id: t.json.id, password: PASSWORD });
    assert.equal(u.status, 201, u.text);
    assert.equal(u.json.login, 'rep-west');
    assert.equal(u.json.role, 'sales');
    assert.equal(u.json.team_id, t.json.id);
    assert.equal(u.json.team_name, '西南销售部');
    assert.equal(u.json.disabled, false);
    assert.ok(!u.text.includes('argon2') && !('password' in u.json) && !('password_hash' in u.json));
    assertProblem(await boss('POST', '/api/v1/users', { login: 'rep-west', role: 'sales', password: PASSWORD }), 409, 'login');
    assertProblem(await boss('POST', '/api/v1/users', { login: 'x', role: 'sales', password: PASSWORD }), 422, 'login');
    assertProblem(await boss('POST', '/api/v1/users', { login: 'short-pw', role: 'sales', password: 'short' }), 422, 'password');
    assertProblem(await boss('POST', '/api/v1/users', { login: 'bad-role', role: 'king', password: PASSWORD }), 422, 'role');
    assertProblem(await boss('POST', '/api/v1/users', { login: 'bad-team', role: 'sales', team_id: 999999, password: PASSWORD }), 422, 'team_id');
    const s = await login(env.baseUrl, 'rep-west');
    assert.equal(s.status, 200, s.text);
    const api = (m, p, b) => fetch(env.baseUrl + p, { method: m, headers: { cookie: s.cookie } }).then(async (r) => ({ status: r.status, json: await r.json() }));
    const list = await api('GET', '/api/v1/customers?limit=200');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.items, [], 'a new rep sees nothing');
  });

  test('admin changes a user\'s role: the new scope applies at once', async () => {
    const boss = as('boss');
    const u = await boss('GET', `/api/v1/users/${ids['rep-south']}`);
    const p = await boss('PATCH', `/api/v1/users/${ids['rep-south']}`, { role: 'analyst' }, { 'if-match': `"${u.json.version}"` });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.role, 'analyst');
    assert.equal(p.json.version, u.json.version + 1);
    assert.deepEqual(await visibleIds('rep-south'), await visibleIds('boss'));
    assertProblem(await as('rep-south')('POST', '/api/v1/customers', { kind: 'organization', name: '分析师新建' }), 403);
    assertProblem(await boss('PATCH', `/api/v1/users/${ids['rep-south']}`, { role: 'sales' }, { 'if-match': `"${u.json.version}"` }), 409);
    const back = await boss('PATCH', `/api/v1/users/${ids['rep-south']}`, { role: 'sales' }, { 'if-match': `"${p.json.version}"` });
    assert.equal(back.status, 200);
    assert.deepEqual(await visibleIds('rep-south'), sortIds(cB1));
  });

  test('an admin cannot drop their own admin role (422)', async () => {
    const boss = as('boss');
    const u = await boss('GET', `/api/v1/users/${ids.boss}`);
    assertProblem(await boss('PATCH', `/api/v1/users/${ids.boss}`, { role: 'sales' }, { 'if-match': `"${u.json.version}"` }), 422, 'role');
    assert.equal((await boss('GET', `/api/v1/users/${ids.boss}`)).json.role, 'admin');
  });
});
