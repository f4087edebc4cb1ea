// Customer-value analytics API (docs/analytics-api.md): settings and their validation,
// recompute permissions, the run report's figures checked against the orders the test
// posted, the per-customer lists (churn, top CLV, attack/defend) with visibility, the
// customer metric row with its basket recommendations and the customer list's
// analytics filters and sorts.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, listAll, q } from '../lib/api-helpers.mjs';

const DEFAULTS = {
  model: 'bgnbd', time_unit: 'week', horizon: 52, discount_rate: 0.12, margin: 1,
  strategic_share: 0.05, important_share: 0.2, p_alive_threshold: 0.3, gap_multiple: 2, k: 4,
  share_threshold: 0.5, potential_threshold: null, schedule_hour: 2,
};
const CLASSES = ['important_value', 'important_development', 'important_retention', 'important_win_back',
  'general_value', 'general_development', 'general_retention', 'general_win_back'];
const TIERS = ['strategic', 'important', 'general', 'potential'];

// Days in Asia/Shanghai (UTC+8), as the server counts them.
const DAY_MS = 86400 * 1000;
const daysAgo = (n) => new Date(Date.now() + 8 * 3600 * 1000 - n * DAY_MS).toISOString().slice(0, 10);

let env, admin, rep1, rep2, boss, analyst;
const customers = []; // { id, owner: 'rep1'|'rep2', orders: [amount], potential }
let run;

// Customer i's purchase history: 1..5 orders every 9 + 4·i days, the last one
// (i · 23) mod 360 days ago, amounts growing with i; every third customer has a
// purchase potential. Deterministic, and varied enough for every model.
function plan(i) {
  const count = 1 + (i % 5);
  const step = 9 + 4 * i;
  const last = (i * 23) % 360;
  const days = [];
  for (let k = 0; k < count; k++) days.push(last + k * step);
  return days.map((d, k) => ({ day: daysAgo(d), amount: 10000 * (1 + ((i + k) % 7)) }));
}

before(async () => {
  env = await setupEnv({
    users: [
      { login: 'admin', role: 'admin' },
      { login: 'rep1', role: 'sales', team: 'east' },
      { login: 'rep2', role: 'sales', team: 'west' },
      { login: 'boss', role: 'manager', team: 'east' },
      { login: 'ana', role: 'analyst' },
    ],
  });
  admin = env.as('admin');
  rep1 = env.as('rep1');
  rep2 = env.as('rep2');
  boss = env.as('boss');
  analyst = env.as('ana');
  const pa = await admin('POST', '/api/v1/products', { code: 'AN-A', name: '分析产品甲', list_price: 10000 });
  const pb = await admin('POST', '/api/v1/products', { code: 'AN-B', name: '分析产品乙', list_price: 20000 });
  const pc = await admin('POST', '/api/v1/products', { code: 'AN-C', name: '分析产品丙', list_price: 15000 });
  for (const r of [pa, pb, pc]) assert.equal(r.status, 201, r.text);
  for (let i = 0; i < 16; i++) {
    const owner = i % 2 === 0 ? 'rep1' : 'rep2';
    const potential = i % 3 === 0 ? 100000 * (1 + i) : null;
    const c = await createCustomer(env.as(owner), {
      name: `分析测试客户${i}`, ...(potential ? { purchase_potential: potential } : {}),
    });
    const orders = [];
    for (const [k, o] of plan(i).entries()) {
      // Baskets: A with B, or C alone (so A → B has confidence 1 and lift > 1); and
      // orders without lines, which are purchases but no basket.
      const line = (p) => ({ product_id: p.json.id, quantity: 1 });
      const body = k % 3 === 0 ? { customer_id: c.id, ordered_at: o.day, lines: [line(pa), line(pb)] }
        : k % 3 === 1 ? { customer_id: c.id, ordered_at: o.day, lines: [line(pc)] }
          : { customer_id: c.id, ordered_at: o.day, total: o.amount };
      const r = await env.as(owner)('POST', '/api/v1/orders', body);
      assert.equal(r.status, 201, r.text);
      orders.push(r.json.total);
    }
    customers.push({ id: c.id, owner, orders, potential });
  }
  // One customer buys B alone: the rule B → A makes A their recommendation (A → B
  // keeps confidence 1).
  const lone = await createCustomer(rep2, { name: '单品客户' });
  const lr = await rep2('POST', '/api/v1/orders',
    { customer_id: lone.id, ordered_at: daysAgo(30), lines: [{ product_id: pb.json.id, quantity: 1 }] });
  assert.equal(lr.status, 201, lr.text);
  customers.push({ id: lone.id, owner: 'rep2', orders: [lr.json.total], potential: null, onlyB: true });
  // Customers without orders are "potential".
  for (let i = 0; i < 2; i++) {
    const c = await createCustomer(rep1, { name: `潜在客户${i}` });
    customers.push({ id: c.id, owner: 'rep1', orders: [], potential: null });
  }
  // A refunded order is not a purchase.
  const r = await rep1('POST', '/api/v1/orders', { customer_id: customers[0].id, ordered_at: daysAgo(3), total: 999900, status: 'refunded' });
  assert.equal(r.status, 201, r.text);
});
after(async () => { await env?.stop(); });

const sum = (xs) => xs.reduce((a, b) => a + b, 0);

describe('analytics', () => {
  test('before any run: latest is 404', async () => {
    assertProblem(await rep1('GET', '/api/v1/analytics/runs/latest'), 404);
  });

  test('settings: defaults of the contract; validation names the field; admin and analyst only', async () => {
    const g = await rep1('GET', '/api/v1/analytics/settings');
    assert.equal(g.status, 200, g.text);
    assert.deepEqual(g.json, DEFAULTS);
    assertProblem(await analyst('PUT', '/api/v1/analytics/settings', { k: 1 }), 422, 'k');
    assertProblem(await analyst('PUT', '/api/v1/analytics/settings', { model: 'lstm' }), 422, 'model');
    assertProblem(await analyst('PUT', '/api/v1/analytics/settings', { important_share: 0.01 }), 422, 'important_share');
    assertProblem(await analyst('PUT', '/api/v1/analytics/settings', { margin: 0 }), 422, 'margin');
    assertProblem(await analyst('PUT', '/api/v1/analytics/settings', { schedule_hour: 24 }), 422, 'schedule_hour');
    assertProblem(await analyst('PUT', '/api/v1/analytics/settings', { potential_threshold: -5 }), 422, 'potential_threshold');
    assertProblem(await analyst('PUT', '/api/v1/analytics/settings', { colour: 'red' }), 422, 'colour');
    assertProblem(await rep1('PUT', '/api/v1/analytics/settings', { k: 3 }), 403);
    assertProblem(await boss('PUT', '/api/v1/analytics/settings', { k: 3 }), 403);
    const p = await analyst('PUT', '/api/v1/analytics/settings', { k: 3, horizon: 26 });
    assert.equal(p.status, 200, p.text);
    assert.deepEqual(p.json, { ...DEFAULTS, k: 3, horizon: 26 });
    assert.deepEqual((await rep2('GET', '/api/v1/analytics/settings')).json, { ...DEFAULTS, k: 3, horizon: 26 });
    const back = await admin('PUT', '/api/v1/analytics/settings', { k: 4, horizon: 52 });
    assert.equal(back.status, 200, back.text);
    assert.deepEqual(back.json, DEFAULTS);
  });

  test('recompute: sales and managers 403; analyst 201 with the run; latest answers the same', async () => {
    assertProblem(await rep1('POST', '/api/v1/analytics/runs'), 403);
    assertProblem(await boss('POST', '/api/v1/analytics/runs'), 403);
    const r = await analyst('POST', '/api/v1/analytics/runs');
    assert.equal(r.status, 201, r.text);
    run = r.json;
    assert.deepEqual(Object.keys(run), ['id', 'started_at', 'finished_at', 'trigger', 'as_of', 'report']);
    assert.equal(run.trigger, 'manual');
    assert.equal(run.as_of, daysAgo(0));
    assert.equal(typeof run.finished_at, 'string');
    const l = await rep2('GET', '/api/v1/analytics/runs/latest');
    assert.equal(l.status, 200, l.text);
    assert.deepEqual(l.json, run);
  });

  test('report: summary from the orders; class counts sum to buyers; tier counts sum to customers', () => {
    const rep = run.report;
    const buyers = customers.filter((c) => c.orders.length > 0);
    assert.deepEqual(rep.summary, {
      customers: customers.length, buyers: buyers.length,
      revenue: sum(customers.map((c) => sum(c.orders))), orders: sum(customers.map((c) => c.orders.length)),
    });
    assert.deepEqual(rep.rfm.classes.map((c) => c.key), CLASSES);
    assert.equal(sum(rep.rfm.classes.map((c) => c.count)), buyers.length);
    assert.equal(sum(rep.rfm.classes.map((c) => c.revenue)), rep.summary.revenue);
    assert.equal(rep.rfm.heatmap.length, 25);
    assert.equal(sum(rep.rfm.heatmap.map((c) => c.count)), buyers.length);
    assert.deepEqual(rep.tiers.map((t) => t.key), TIERS);
    assert.equal(sum(rep.tiers.map((t) => t.count)), customers.length);
    assert.equal(rep.tiers[3].count, customers.length - buyers.length);
    assert.equal(rep.tiers[3].profit, 0);
    assert.ok(rep.clv, 'the models ran');
    assert.equal(rep.clv.model, 'bgnbd');
    assert.equal(rep.clv.customers, buyers.length);
    assert.deepEqual(Object.keys(rep.clv.params), ['r', 'alpha', 'a', 'b']);
    for (const b of rep.clv.histogram) assert.ok(b.from < b.to);
    assert.ok(rep.clusters);
    assert.equal(rep.clusters.k, 4);
    assert.equal(sum(rep.clusters.profiles.map((p) => p.size)), buyers.length);
    const withPotential = customers.filter((c) => c.potential).length;
    assert.equal(rep.attack_defend.customers_with_potential, withPotential);
    assert.equal(sum(Object.values(rep.attack_defend.counts)), withPotential);
    // Monthly KPI rows cover at most the last two years.
    assert.ok(rep.kpi.rows.length >= 1 && rep.kpi.rows.length <= 24);
    assert.ok(rep.kpi.rows.every((r) => r.revenue === sum(Object.values(r.revenue_by_tier))));
    assert.ok(rep.basket.baskets > 0);
    const ab = rep.basket.rules.find((r) => r.antecedent[0].code === 'AN-A' && r.consequent[0].code === 'AN-B');
    assert.ok(ab, JSON.stringify(rep.basket.rules));
    assert.equal(ab.confidence, 1);
    assert.equal(ab.antecedent[0].name, '分析产品甲');
  });

  test('customer metrics: frequency and monetary from the orders; customer equity = Σ clv', async () => {
    let equity = 0;
    for (const c of customers) {
      const r = await admin('GET', `/api/v1/customers/${c.id}/metrics`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.customer_id, c.id);
      assert.equal(r.json.run_id, run.id);
      assert.equal(r.json.frequency, c.orders.length);
      assert.equal(r.json.monetary, sum(c.orders));
      if (c.orders.length === 0) {
        assert.equal(r.json.tier, 'potential');
        assert.equal(r.json.rfm_class, null);
        assert.equal(r.json.clv, null);
        assert.equal(r.json.p_alive, null);
      } else {
        assert.ok(CLASSES.includes(r.json.rfm_class));
        assert.ok(r.json.p_alive > 0 && r.json.p_alive <= 1);
        equity += r.json.clv;
      }
    }
    assert.equal(run.report.clv.customer_equity, equity);
    // Recommendations: the B-only buyer is offered A (rule B → A), as an array.
    const lone = await admin('GET', `/api/v1/customers/${customers.find((c) => c.onlyB).id}/metrics`);
    assert.ok(Array.isArray(lone.json.recommendations), lone.text);
    assert.equal(lone.json.recommendations[0].code, 'AN-A', lone.text);
    assert.equal(lone.json.recommendations[0].name, '分析产品甲');
    assert.ok(lone.json.recommendations[0].score > 0 && lone.json.recommendations[0].score <= 1);
    // Visibility: rep2 does not see rep1's customer.
    assertProblem(await rep2('GET', `/api/v1/customers/${customers[0].id}/metrics`), 404);
  });

  test('churn: ranked by value at risk; a rep sees only own customers; owner=me and unknown owner', async () => {
    const all = await admin('GET', '/api/v1/analytics/churn?limit=100');
    assert.equal(all.status, 200, all.text);
    assert.equal(all.json.items.length, run.report.churn.at_risk);
    assert.ok(all.json.items.length > 0, 'some customers are at risk');
    for (let i = 1; i < all.json.items.length; i++) {
      assert.ok(all.json.items[i - 1].value_at_risk >= all.json.items[i].value_at_risk);
    }
    for (const it of all.json.items) {
      assert.ok(it.reasons.length > 0);
      assert.ok(it.reasons.every((x) => x === 'low_p_alive' || x === 'long_gap'));
      if (it.reasons.includes('low_p_alive')) assert.ok(it.p_alive < 0.3);
      if (it.reasons.includes('long_gap')) assert.ok(it.gap_days > 2 * it.usual_interval_days);
    }
    const own = new Set(customers.filter((c) => c.owner === 'rep1').map((c) => c.id));
    const mine = await rep1('GET', '/api/v1/analytics/churn');
    assert.equal(mine.status, 200, mine.text);
    assert.deepEqual(mine.json.items.map((x) => x.customer_id),
      all.json.items.filter((x) => own.has(x.customer_id)).map((x) => x.customer_id));
    assert.ok(mine.json.items.every((x) => x.owner === 'rep1'));
    const me = await admin('GET', '/api/v1/analytics/churn?owner=rep1');
    assert.deepEqual(me.json.items.map((x) => x.customer_id), mine.json.items.map((x) => x.customer_id));
    const team = await boss('GET', '/api/v1/analytics/churn?owner=me');
    assert.deepEqual(team.json.items, []);
    // 「创建跟进」: a task on an at-risk customer shows as its open_task_id.
    assert.ok(all.json.items.every((x) => x.open_task_id === null));
    const top = all.json.items[0];
    const t = await admin('POST', '/api/v1/tasks',
      { customer_id: top.customer_id, title: '流失预警跟进', due_day: daysAgo(-7), origin: 'churn_alert' });
    assert.equal(t.status, 201, t.text);
    const again = await admin('GET', '/api/v1/analytics/churn?limit=1');
    assert.equal(again.json.items[0].customer_id, top.customer_id);
    assert.equal(again.json.items[0].open_task_id, t.json.id);
    assertProblem(await admin('GET', '/api/v1/analytics/churn?owner=nobody'), 400, 'owner');
    assertProblem(await admin('GET', '/api/v1/analytics/churn?limit=0'), 400, 'limit');
  });

  test('top CLV: non-increasing; attack/defend: customers with a potential', async () => {
    const t = await admin('GET', '/api/v1/analytics/top-clv?limit=5');
    assert.equal(t.status, 200, t.text);
    assert.equal(t.json.items.length, 5);
    for (let i = 1; i < t.json.items.length; i++) assert.ok(t.json.items[i - 1].clv >= t.json.items[i].clv);
    const r2 = await rep2('GET', '/api/v1/analytics/top-clv?limit=100');
    const own2 = new Set(customers.filter((c) => c.owner === 'rep2').map((c) => c.id));
    assert.ok(r2.json.items.length > 0 && r2.json.items.every((x) => own2.has(x.customer_id)));
    const ad = await admin('GET', '/api/v1/analytics/attack-defend');
    assert.equal(ad.status, 200, ad.text);
    assert.equal(ad.json.share_threshold, 0.5);
    assert.equal(ad.json.potential_threshold, run.report.attack_defend.potential_threshold);
    assert.equal(ad.json.items.length, customers.filter((c) => c.potential).length);
    for (const it of ad.json.items) {
      const c = customers.find((x) => x.id === it.customer_id);
      assert.equal(it.potential, c.potential);
      const high = it.potential >= ad.json.potential_threshold;
      const share = it.share >= 0.5;
      assert.equal(it.quadrant, high ? (share ? 'retain' : 'acquire') : (share ? 'maintain' : 'abandon'));
    }
  });

  test('customer list: rfm_class, tier, p_alive_lt, churn_risk filters; clv_desc sort; metrics on items', async () => {
    for (const cls of CLASSES) {
      const { items } = await listAll(admin, `/api/v1/customers?${q({ rfm_class: cls })}`);
      assert.equal(items.length, run.report.rfm.classes.find((c) => c.key === cls).count, cls);
      assert.ok(items.every((c) => c.metrics.rfm_class === cls));
    }
    for (const tier of TIERS) {
      const { items } = await listAll(admin, `/api/v1/customers?${q({ tier })}`);
      assert.equal(items.length, run.report.tiers.find((t) => t.key === tier).count, tier);
    }
    const low = await listAll(admin, `/api/v1/customers?${q({ p_alive_lt: '0.5' })}`);
    assert.ok(low.items.every((c) => c.metrics.p_alive < 0.5));
    const risk = await listAll(admin, '/api/v1/customers?churn_risk=true');
    assert.equal(risk.items.length, run.report.churn.at_risk);
    const sorted = await listAll(admin, '/api/v1/customers?sort=clv_desc', { limit: 5 });
    assert.equal(sorted.items.length, customers.length);
    const clvs = sorted.items.map((c) => c.metrics?.clv ?? null);
    const firstNull = clvs.indexOf(null);
    const values = firstNull < 0 ? clvs : clvs.slice(0, firstNull);
    for (let i = 1; i < values.length; i++) assert.ok(values[i - 1] >= values[i], JSON.stringify(clvs));
    if (firstNull >= 0) assert.ok(clvs.slice(firstNull).every((v) => v === null), 'customers without a CLV last');
    const mine = await listAll(rep1, `/api/v1/customers?${q({ tier: 'potential' })}`);
    assert.equal(mine.items.length, 2);
    assert.ok(mine.items.every((c) => c.metrics.tier === 'potential' && c.metrics.clv === null));
    assertProblem(await admin('GET', '/api/v1/customers?rfm_class=vip'), 400, 'rfm_class');
    assertProblem(await admin('GET', '/api/v1/customers?p_alive_lt=2'), 400, 'p_alive_lt');
    assertProblem(await admin('GET', '/api/v1/customers?tier=gold'), 400, 'tier');
  });
});
