// Duplicates and merges API (docs/relationship-api.md, Duplicates + merge):
// candidate pairs with reasons, visibility, dismissals, merge with every kind
// of history moved, refusals naming the field, undo, the merge list.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer } from '../lib/api-helpers.mjs';

const DAY_MS = 86400 * 1000;
const shanghaiDay = (offset = 0) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offset * DAY_MS).toISOString().slice(0, 10);

let env, admin, rep1, rep2, analyst;
let zhang, zhangTrad, yunqi, yunqiFull, other, repOnly;

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'rep1', role: 'sales', team: 'east' },
      { login: 'rep2', role: 'sales', team: 'west' },
      { login: 'ana', role: 'analyst' },
    ],
  });
  admin = env.as('admin');
  rep1 = env.as('rep1');
  rep2 = env.as('rep2');
  analyst = env.as('ana');
  zhang = await createCustomer(rep1, { kind: 'individual', name: '张伟', phone: '+8613800138000' });
  zhangTrad = await createCustomer(rep1, { kind: 'individual', name: '張偉', phone: '+8613800138000', email: 'zw@example.com' });
  yunqi = await createCustomer(admin, { name: '云栖科技' });
  yunqiFull = await createCustomer(admin, { name: '杭州雲棲科技有限公司', industry: '软件', email: 'info@yunqi.example' });
  other = await createCustomer(admin, { name: '完全不同的公司' });
  repOnly = await createCustomer(rep2, { kind: 'individual', name: 'Zhang Wei' });
});
after(async () => { await env?.stop(); });

const pairOf = (items, a, b) => items.find((p) => p.a === Math.min(a, b) && p.b === Math.max(a, b));

describe('duplicates', () => {
  test('GET /duplicates: pairs with score, reasons and both customers; best first', async () => {
    const r = await admin('GET', '/api/v1/duplicates?min_score=0.5');
    assert.equal(r.status, 200, r.text);
    const p = pairOf(r.json.items, zhang.id, zhangTrad.id);
    assert.ok(p, r.text);
    assert.deepEqual(p.reasons, ['phone', 'name']);
    assert.ok(p.score > 0.9 && p.score <= 1);
    assert.equal(p.customer_a.id, zhang.id);
    assert.equal(p.customer_b.name, '張偉');
    const company = pairOf(r.json.items, yunqi.id, yunqiFull.id);
    assert.ok(company, 'suffix and region stripped, traditional folded');
    assert.deepEqual(company.reasons, ['name']);
    assert.ok(!r.json.items.some((x) => x.a === other.id || x.b === other.id));
    const scores = r.json.items.map((x) => x.score);
    assert.deepEqual(scores, [...scores].sort((x, y) => y - x));
    assert.equal(r.json.next, null);
  });

  test('visibility: a rep sees pairs of their own customers only', async () => {
    const mine = await rep1('GET', '/api/v1/duplicates?min_score=0.5');
    assert.equal(mine.status, 200, mine.text);
    assert.ok(pairOf(mine.json.items, zhang.id, zhangTrad.id));
    assert.ok(!mine.json.items.some((x) => [repOnly.id, yunqi.id].includes(x.a) || [repOnly.id, yunqi.id].includes(x.b)));
    assertProblem(await rep2('GET', `/api/v1/customers/${zhang.id}/duplicates`), 404);
  });

  test('GET /customers/{id}/duplicates and bad parameters', async () => {
    const r = await admin('GET', `/api/v1/customers/${zhang.id}/duplicates?min_score=0.5`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.every((x) => x.a === zhang.id || x.b === zhang.id));
    assert.ok(pairOf(r.json.items, zhang.id, repOnly.id), 'pinyin "Zhang Wei" matches 张伟');
    assertProblem(await admin('GET', '/api/v1/duplicates?min_score=2'), 400, 'min_score');
    assertProblem(await admin('GET', '/api/v1/duplicates?limit=0'), 400, 'limit');
    assertProblem(await admin('GET', '/api/v1/customers/999999/duplicates'), 404);
  });

  test('POST /duplicates/dismiss hides the pair; analysts may not', async () => {
    assertProblem(await analyst('POST', '/api/v1/duplicates/dismiss', { a: zhang.id, b: repOnly.id }), 403);
    assertProblem(await admin('POST', '/api/v1/duplicates/dismiss', { a: zhang.id, b: zhang.id }), 422, 'b');
    assertProblem(await admin('POST', '/api/v1/duplicates/dismiss', { a: zhang.id, b: 999999 }), 404);
    assertProblem(await admin('POST', '/api/v1/duplicates/dismiss', { a: zhang.id }), 422, 'b');
    const r = await admin('POST', '/api/v1/duplicates/dismiss', { a: repOnly.id, b: zhang.id });
    assert.equal(r.status, 204, r.text);
    const after = await admin('GET', `/api/v1/customers/${zhang.id}/duplicates?min_score=0.5`);
    assert.ok(!pairOf(after.json.items, zhang.id, repOnly.id));
    assert.ok(pairOf(after.json.items, zhang.id, zhangTrad.id));
  });
});

describe('merge', () => {
  let merge;
  test('refusals name the field and change nothing', async () => {
    assertProblem(await admin('POST', `/api/v1/customers/${yunqi.id}/merge`, { merged_id: yunqi.id }), 422, 'merged_id');
    assertProblem(await admin('POST', `/api/v1/customers/${yunqi.id}/merge`, {}), 422, 'merged_id');
    assertProblem(await admin('POST', `/api/v1/customers/${yunqi.id}/merge`, { merged_id: 999999 }), 404);
    // A rep merges only customers they own both of.
    assertProblem(await rep1('POST', `/api/v1/customers/${zhang.id}/merge`, { merged_id: repOnly.id }), 404);
    assertProblem(await analyst('POST', `/api/v1/customers/${zhang.id}/merge`, { merged_id: zhangTrad.id }), 403);
    const g = await admin('GET', `/api/v1/customers/${yunqi.id}`);
    assert.equal(g.json.version, 1);
  });

  test('merge moves orders, tasks and contacts, fills fields, archives the merged one', async () => {
    const order = await admin('POST', '/api/v1/orders', { customer_id: yunqiFull.id, ordered_at: shanghaiDay(-3), total: 88800 });
    assert.equal(order.status, 201, order.text);
    const task = await admin('POST', '/api/v1/tasks', { customer_id: yunqiFull.id, title: '回访云栖', due_day: shanghaiDay(2) });
    assert.equal(task.status, 201, task.text);
    const contact = await admin('POST', '/api/v1/contacts', { customer_id: yunqiFull.id, name: '李娜' });
    assert.equal(contact.status, 201, contact.text);

    const r = await admin('POST', `/api/v1/customers/${yunqi.id}/merge`, { merged_id: yunqiFull.id });
    assert.equal(r.status, 201, r.text);
    merge = r.json;
    assert.equal(r.headers.get('location'), `/api/v1/merges/${merge.id}`);
    assert.deepEqual((await admin('GET', `/api/v1/merges/${merge.id}`)).json, merge);
    assertProblem(await rep1('GET', `/api/v1/merges/${merge.id}`), 404);
    assert.equal(merge.survivor_id, yunqi.id);
    assert.equal(merge.merged_id, yunqiFull.id);
    assert.equal(merge.survivor_name, '云栖科技');
    assert.equal(merge.undoable, true);
    assert.ok(merge.undo_until - merge.at === 7 * 86400);
    assert.deepEqual(merge.moved.sales_order, [order.json.id]);
    assert.deepEqual(merge.moved.task, [task.json.id]);
    assert.deepEqual(merge.moved.contact, [contact.json.id]);

    const survivor = (await admin('GET', `/api/v1/customers/${yunqi.id}`)).json;
    assert.equal(survivor.industry, '软件');
    assert.equal(survivor.email, 'info@yunqi.example');
    const merged = (await admin('GET', `/api/v1/customers/${yunqiFull.id}`)).json;
    assert.equal(merged.archived, true);
    assert.equal((await admin('GET', `/api/v1/orders/${order.json.id}`)).json.customer_id, yunqi.id);
    assert.equal((await admin('GET', `/api/v1/tasks/${task.json.id}`)).json.customer_id, yunqi.id);
    // The merged customer is no longer a candidate; merging it again is refused.
    const list = await admin('GET', '/api/v1/duplicates?min_score=0.5');
    assert.ok(!pairOf(list.json.items, yunqi.id, yunqiFull.id));
    assertProblem(await admin('POST', `/api/v1/customers/${other.id}/merge`, { merged_id: yunqiFull.id }), 409, 'merged_id');
    assertProblem(await admin('POST', `/api/v1/customers/${yunqiFull.id}/merge`, { merged_id: other.id }), 409, 'id');
    const audit = await admin('GET', `/api/v1/audit?entity=customer&entity_id=${yunqiFull.id}`);
    assert.ok(audit.json.items.some((a) => a.action === 'merge'), audit.text);
  });

  test('GET /merges lists it; undo moves everything back; a second undo is 409', async () => {
    const l = await admin('GET', '/api/v1/merges');
    assert.equal(l.status, 200, l.text);
    assert.equal(l.json.items[0].id, merge.id);
    const mine = await rep1('GET', '/api/v1/merges');
    assert.deepEqual(mine.json.items, []);
    assertProblem(await rep1('POST', `/api/v1/merges/${merge.id}/undo`), 404);

    const u = await admin('POST', `/api/v1/merges/${merge.id}/undo`);
    assert.equal(u.status, 200, u.text);
    assert.ok(u.json.undone_at >= merge.at);
    assert.equal(u.json.undone_by, env.ids.admin);
    assert.equal(u.json.undoable, false);
    const orders = merge.moved.sales_order;
    assert.equal((await admin('GET', `/api/v1/orders/${orders[0]}`)).json.customer_id, yunqiFull.id);
    assert.equal((await admin('GET', `/api/v1/tasks/${merge.moved.task[0]}`)).json.customer_id, yunqiFull.id);
    const survivor = (await admin('GET', `/api/v1/customers/${yunqi.id}`)).json;
    assert.equal(survivor.industry, '');
    assert.equal(survivor.email, '');
    assert.equal((await admin('GET', `/api/v1/customers/${yunqiFull.id}`)).json.archived, false);
    assertProblem(await admin('POST', `/api/v1/merges/${merge.id}/undo`), 409);
    assertProblem(await admin('POST', '/api/v1/merges/999999/undo'), 404);
  });

  test('a rep merges two customers they own', async () => {
    const r = await rep1('POST', `/api/v1/customers/${zhang.id}/merge`, { merged_id: zhangTrad.id });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.json.score > 0.9);
    const survivor = (await rep1('GET', `/api/v1/customers/${zhang.id}`)).json;
    assert.equal(survivor.email, 'zw@example.com');
    const mine = await rep1('GET', '/api/v1/merges');
    assert.equal(mine.json.items.length, 1);
  });
});
