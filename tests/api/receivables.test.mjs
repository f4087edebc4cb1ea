// Receivables (回收账款): payment plans and receipts on orders and won
// opportunities, instalment states, the receivables list with its ageing, the
// overdue flag and visibility. Figures are computed by hand in the comments.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, q } from '../lib/api-helpers.mjs';

let env, admin, rep, rep2, mgr;
let orderA, orderB, customerA, receiptId;

// The business day (Asia/Shanghai) `n` days from today.
const day = (n = 0) => new Date(Date.now() + 8 * 3600e3 + n * 86400e3).toISOString().slice(0, 10);

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'boss', role: 'admin' },
      { login: 'mgr', role: 'manager', team: '华北' },
      { login: 'rep', role: 'sales', team: '华北' },
      { login: 'rep2', role: 'sales', team: '西南' },
    ],
  });
  admin = env.as('boss');
  rep = env.as('rep');
  rep2 = env.as('rep2');
  mgr = env.as('mgr');
  customerA = await createCustomer(rep, { name: '北京燕山机械有限公司' });
  const customerB = await createCustomer(rep2, { name: '成都锦江食品有限公司' });
  let r = await rep('POST', '/api/v1/orders', { customer_id: customerA.id, total: 100000 });
  assert.equal(r.status, 201, r.text);
  orderA = r.json;
  r = await rep2('POST', '/api/v1/orders', { customer_id: customerB.id, total: 50000 });
  assert.equal(r.status, 201, r.text);
  orderB = r.json;
});
after(async () => { await env?.stop(); });

const planA = () => rep('GET', `/api/v1/orders/${orderA.id}/payment-plan`);

describe('order payment plans and receipts', () => {
  test('PUT replaces the plan; instalments due before today are overdue', async () => {
    const r = await rep('PUT', `/api/v1/orders/${orderA.id}/payment-plan`, {
      instalments: [
        { due_on: day(20), amount: 40000 },
        { due_on: day(-40), amount: 30000, note: '首付' },
        { due_on: day(-10), amount: 30000 },
      ],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.total_planned, 100000);
    assert.equal(r.json.received, 0);
    assert.equal(r.json.outstanding, 100000);
    assert.equal(r.json.overdue, 60000);
    assert.equal(r.json.oldest_overdue_days, 40);
    assert.deepEqual(r.json.instalments.map((i) => [i.due_on, i.amount, i.paid, i.status, i.days_overdue]), [
      [day(-40), 30000, 0, 'overdue', 40],
      [day(-10), 30000, 0, 'overdue', 10],
      [day(20), 40000, 0, 'due', 0],
    ]);
    assert.equal(r.json.instalments[0].note, '首付');
    assert.deepEqual(r.json.receipts, []);
  });

  test('a receipt pays the oldest instalments first', async () => {
    const r = await rep('POST', `/api/v1/orders/${orderA.id}/receipts`,
      { received_on: day(-5), amount: 40000, method: 'bank_transfer', note: '工行转账' });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.amount, 40000);
    assert.equal(r.json.order_id, orderA.id);
    assert.equal(r.json.user_id, env.ids.rep);
    receiptId = r.json.id;
    const g = await planA();
    assert.equal(g.status, 200, g.text);
    // 40000 received: the first 30000 instalment in full, 10000 of the second.
    assert.equal(g.json.received, 40000);
    assert.equal(g.json.outstanding, 60000);
    assert.equal(g.json.overdue, 20000);
    assert.equal(g.json.oldest_overdue_days, 10);
    assert.deepEqual(g.json.instalments.map((i) => [i.paid, i.status, i.days_overdue]),
      [[30000, 'paid', 0], [10000, 'overdue', 10], [0, 'due', 0]]);
    assert.deepEqual(g.json.receipts.map((x) => [x.id, x.received_on, x.amount, x.method]),
      [[receiptId, day(-5), 40000, 'bank_transfer']]);
  });

  test('bad plans and receipts are 422 naming the field', async () => {
    const put = (instalments) => rep('PUT', `/api/v1/orders/${orderA.id}/payment-plan`, { instalments });
    assertProblem(await put([{ due_on: day(1), amount: 0 }]), 422, 'instalments[0].amount');
    assertProblem(await put([{ due_on: day(1), amount: 1 }, { due_on: '2026-02-30', amount: 5 }]), 422, 'instalments[1].due_on');
    assertProblem(await put([{ due_on: day(1), amount: 1_000_000_000_001 }]), 422, 'instalments[0].amount');
    assertProblem(await rep('PUT', `/api/v1/orders/${orderA.id}/payment-plan`, {}), 422, 'instalments');
    const rc = (body) => rep('POST', `/api/v1/orders/${orderA.id}/receipts`, body);
    assertProblem(await rc({ amount: 100, method: 'bitcoin' }), 422, 'method');
    assertProblem(await rc({ amount: -100, method: 'cash' }), 422, 'amount');
    assertProblem(await rc({ amount: 100, method: 'cash', received_on: '20261301' }), 422, 'received_on');
    // Nothing changed.
    assert.equal((await planA()).json.total_planned, 100000);
    assert.equal((await planA()).json.received, 40000);
  });

  test('another rep sees none of it (404); the team manager does', async () => {
    assertProblem(await rep2('GET', `/api/v1/orders/${orderA.id}/payment-plan`), 404);
    assertProblem(await rep2('POST', `/api/v1/orders/${orderA.id}/receipts`, { amount: 1, method: 'cash' }), 404);
    assertProblem(await rep2('DELETE', `/api/v1/receipts/${receiptId}`), 404);
    const m = await mgr('GET', `/api/v1/orders/${orderA.id}/payment-plan`);
    assert.equal(m.status, 200, m.text);
    assert.equal(m.json.received, 40000);
  });
});

describe('the receivables list', () => {
  before(async () => {
    const r = await rep2('PUT', `/api/v1/orders/${orderB.id}/payment-plan`,
      { instalments: [{ due_on: day(5), amount: 50000 }] });
    assert.equal(r.status, 200, r.text);
  });

  test('accounts with their figures, most overdue first, and the ageing by owner', async () => {
    const r = await admin('GET', '/api/v1/receivables');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.as_of, day(0));
    assert.deepEqual(r.json.accounts.map((a) => a.order_id), [orderA.id, orderB.id]);
    const a = r.json.accounts[0];
    assert.equal(a.customer_id, customerA.id);
    assert.equal(a.customer_name, '北京燕山机械有限公司');
    assert.equal(a.owner_user_id, env.ids.rep);
    assert.ok(a.owner_name.length > 0);
    assert.deepEqual([a.planned, a.received, a.outstanding, a.overdue, a.oldest_overdue_days],
      [100000, 40000, 60000, 20000, 10]);
    const ageing = Object.fromEntries(r.json.ageing.map((g) => [g.owner_user_id, g]));
    // rep: 40000 not yet due, 20000 ten days overdue; rep2: 50000 not yet due.
    assert.deepEqual(ageing[env.ids.rep], {
      owner_user_id: env.ids.rep, owner_name: a.owner_name,
      current: 40000, d1_30: 20000, d31_60: 0, d61_90: 0, d90_plus: 0, total: 60000,
    });
    assert.equal(ageing[env.ids.rep2].current, 50000);
    assert.equal(ageing[env.ids.rep2].total, 50000);
  });

  test('overdue=true keeps only accounts with an overdue amount; owner narrows', async () => {
    let r = await admin('GET', '/api/v1/receivables?overdue=true');
    assert.deepEqual(r.json.accounts.map((a) => a.order_id), [orderA.id]);
    r = await admin('GET', `/api/v1/receivables?${q({ owner: 'rep2' })}`);
    assert.deepEqual(r.json.accounts.map((a) => a.order_id), [orderB.id]);
    assertProblem(await admin('GET', '/api/v1/receivables?overdue=maybe'), 400, 'overdue');
  });

  test('each caller sees their scope only', async () => {
    let r = await rep2('GET', '/api/v1/receivables');
    assert.deepEqual(r.json.accounts.map((a) => a.order_id), [orderB.id]);
    assert.deepEqual(r.json.ageing.map((g) => g.owner_user_id), [env.ids.rep2]);
    r = await mgr('GET', '/api/v1/receivables?overdue=true');
    assert.deepEqual(r.json.accounts.map((a) => a.order_id), [orderA.id]);
  });

  test('deleting the receipt makes both overdue instalments unpaid again', async () => {
    const d = await rep('DELETE', `/api/v1/receipts/${receiptId}`);
    assert.equal(d.status, 204, d.text);
    const g = await planA();
    assert.equal(g.json.received, 0);
    assert.equal(g.json.overdue, 60000);
    assert.deepEqual(g.json.receipts, []);
    assertProblem(await rep('DELETE', `/api/v1/receipts/${receiptId}`), 404);
  });
});

describe('opportunity payment plans', () => {
  test('need a won opportunity; then plan and receipts work as for orders', async () => {
    const o = await rep('POST', '/api/v1/opportunities',
      { customer_id: customerA.id, title: '燕山二期', amount: 200000, expected_close: day(30) });
    assert.equal(o.status, 201, o.text);
    const plan = { instalments: [{ due_on: day(-3), amount: 120000 }, { due_on: day(60), amount: 80000 }] };
    assertProblem(await rep('PUT', `/api/v1/opportunities/${o.json.id}/payment-plan`, plan), 409);
    const won = await rep('PATCH', `/api/v1/opportunities/${o.json.id}`, { stage: 'won' },
      { 'if-match': `"${o.json.version}"` });
    assert.equal(won.status, 200, won.text);
    const p = await rep('PUT', `/api/v1/opportunities/${o.json.id}/payment-plan`, plan);
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.overdue, 120000);
    const rc = await rep('POST', `/api/v1/opportunities/${o.json.id}/receipts`, { amount: 20000, method: 'alipay' });
    assert.equal(rc.status, 201, rc.text);
    assert.equal(rc.json.received_on, day(0), 'received_on defaults to today');
    const r = await rep('GET', '/api/v1/receivables?overdue=true');
    const acc = r.json.accounts.find((a) => a.opportunity_id === o.json.id);
    assert.ok(acc, JSON.stringify(r.json.accounts));
    assert.equal(acc.title, '燕山二期');
    // 200000 planned, 20000 received: 100000 of the first instalment still overdue.
    assert.deepEqual([acc.planned, acc.received, acc.outstanding, acc.overdue, acc.oldest_overdue_days],
      [200000, 20000, 180000, 100000, 3]);
    assertProblem(await rep2('GET', `/api/v1/opportunities/${o.json.id}/payment-plan`), 404);
  });
});
