// `guanxi analyze …` (docs/cli.md, "analyze"): CSVs written here, the built binary run on
// them, and the answers checked against independent JavaScript references — summary
// figures, the RFM quintile rule with ties, tiers, a BG/NBD fit on simulated customers,
// basket rules and KPI rows on hand examples, --out files, errors and exit codes, and the
// --db path on a demo store against the same orders exported through the API.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setupEnv, run, PASSWORD, listAll } from '../lib/api-helpers.mjs';

let dir;
before(() => { dir = mkdtempSync(path.join(tmpdir(), 'guanxi-analyze-')); });
after(() => { rmSync(dir, { recursive: true, force: true }); });

const file = (name, text) => {
  const p = path.join(dir, name);
  writeFileSync(p, text);
  return p;
};
const analyze = (args) => run(['analyze', ...args]);
async function json(args) {
  const r = await analyze(args);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}
// Rows of a CSV without quoted fields, as objects keyed by the header.
function csvRows(text) {
  const lines = text.trim().split('\n');
  const header = lines[0].split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])));
}

// Deterministic PRNG (mulberry32).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const DAY_MS = 86400000;
const dayNumber = (iso) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (day) => new Date(day * DAY_MS).toISOString().slice(0, 10);
const yuan = (fen) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

// A purchase file in mixed ts formats, and what each row means (day number, fen).
function purchaseFile(seed, customers, rows) {
  const next = rng(seed);
  const truth = [];
  const lines = ['customer_id,ts,amount,note'];
  for (let i = 0; i < rows; i++) {
    const customer = `C${String(Math.floor(next() * customers)).padStart(4, '0')}`;
    const day = dayNumber('2025-01-01') + Math.floor(next() * 700);
    const fen = Math.floor(next() * 100000);
    const iso = isoOf(day);
    let ts;
    const kind = i % 4;
    if (kind === 0) ts = iso;
    else if (kind === 1) ts = iso.replaceAll('-', '');
    else if (kind === 2) ts = `${iso}T${String(Math.floor(next() * 16)).padStart(2, '0')}:15:00Z`;  // same Shanghai day
    else ts = `${isoOf(day - 1)}T20:30:00-04:00`;  // 08:30 next day in Shanghai = day
    lines.push(`${customer},${ts},${fen % 100 === 0 ? String(fen / 100) : yuan(fen)},"n, ${i}"`);
    truth.push({ customer, day, fen });
  }
  return { text: lines.join('\r\n') + '\r\n', truth };
}

// Per-customer summary up to asOf, computed here.
function summarize(truth, asOf) {
  const by = new Map();
  for (const t of truth) {
    if (t.day > asOf) continue;
    let s = by.get(t.customer);
    if (!s) by.set(t.customer, (s = { first: t.day, last: t.day, n: 0, days: new Set(), total: 0 }));
    s.first = Math.min(s.first, t.day);
    s.last = Math.max(s.last, t.day);
    s.n++;
    s.days.add(t.day);
    s.total += t.fen;
  }
  return by;
}

// score = 1 + floor(5·L/n), L = customers strictly worse.
function quintile(values, higherIsBetter) {
  const n = values.length;
  const sorted = [...values].sort((a, b) => a - b);
  const lowerCount = (v) => { let lo = 0, hi = n; while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m] < v) lo = m + 1; else hi = m; } return lo; };
  const upperCount = (v) => { let lo = 0, hi = n; while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m] <= v) lo = m + 1; else hi = m; } return n - lo; };
  return values.map((v) => 1 + Math.floor((5 * (higherIsBetter ? lowerCount(v) : upperCount(v))) / n));
}

describe('summary, rfm and tiers on a generated file', () => {
  let csv, truth, asOf;
  before(() => {
    const f = purchaseFile(5, 400, 3000);
    truth = f.truth;
    csv = file('purchases.csv', '\uFEFF' + f.text);
    asOf = Math.max(...truth.map((t) => t.day));
  });

  test('summary: JSON figures and --out rows equal an independent computation', async () => {
    const out = path.join(dir, 'summary.csv');
    const s = await json(['summary', '--file', csv, '--out', out]);
    const by = summarize(truth, asOf);
    assert.equal(s.customers, by.size);
    assert.equal(s.transactions, truth.length);
    assert.equal(s.as_of, isoOf(asOf));
    assert.equal(s.first_day, isoOf(Math.min(...truth.map((t) => t.day))));
    assert.equal(s.last_day, isoOf(asOf));
    assert.equal(s.revenue.toFixed(2), yuan(truth.reduce((a, t) => a + t.fen, 0)));
    assert.ok(Math.abs(s.purchases_mean - truth.length / by.size) < 1e-9);
    const rows = csvRows(readFileSync(out, 'utf8'));
    assert.equal(rows.length, by.size);
    for (const r of rows) {
      const e = by.get(r.customer_id);
      assert.ok(e, r.customer_id);
      assert.deepEqual(r, {
        customer_id: r.customer_id, first_day: isoOf(e.first), last_day: isoOf(e.last), purchases: String(e.n),
        purchase_days: String(e.days.size), total: yuan(e.total),
        average: yuan(Math.floor((2 * e.total + e.n) / (2 * e.n))), recency_days: String(asOf - e.last),
      });
    }
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('.tmp-')), []);
  });

  test('--as-of bounds the figures; --format csv prints one row', async () => {
    const cut = asOf - 200;
    const s = await json(['summary', '--file', csv, '--as-of', isoOf(cut)]);
    const kept = truth.filter((t) => t.day <= cut);
    assert.equal(s.transactions, kept.length);
    assert.equal(s.customers, summarize(truth, cut).size);
    const r = await analyze(['summary', '--file', csv, '--as-of', isoOf(cut), '--format', 'csv']);
    assert.equal(r.code, 0, r.stderr);
    const rows = csvRows(r.stdout);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].transactions, String(kept.length));
    assert.equal(rows[0].as_of, isoOf(cut));
  });

  test('rfm: scores follow the quintile rule with ties, classes the mean-score rule', async () => {
    const out = path.join(dir, 'rfm.csv');
    const s = await json(['rfm', '--file', csv, '--out', out]);
    const by = summarize(truth, asOf);
    const ids = [...by.keys()];
    const R = quintile(ids.map((id) => asOf - by.get(id).last), false);
    const F = quintile(ids.map((id) => by.get(id).n), true);
    const M = quintile(ids.map((id) => by.get(id).total), true);
    const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
    const [mr, mf, mm] = [mean(R), mean(F), mean(M)];
    assert.equal(s.scored, ids.length);
    assert.ok(Math.abs(s.mean_scores.r - mr) < 1e-9 && Math.abs(s.mean_scores.f - mf) < 1e-9 && Math.abs(s.mean_scores.m - mm) < 1e-9);
    const rows = new Map(csvRows(readFileSync(out, 'utf8')).map((r) => [r.customer_id, r]));
    const names = { '111': 'important_value', '101': 'important_development', '011': 'important_retention', '001': 'important_win_back',
      '110': 'general_value', '100': 'general_development', '010': 'general_retention', '000': 'general_win_back' };
    const classCount = {};
    ids.forEach((id, i) => {
      const r = rows.get(id);
      assert.equal(r.recency_days, String(asOf - by.get(id).last));
      assert.equal(r.frequency, String(by.get(id).n));
      assert.equal(r.monetary, yuan(by.get(id).total));
      assert.deepEqual([r.r, r.f, r.m], [String(R[i]), String(F[i]), String(M[i])], id);
      assert.equal(r.cell, `${R[i]}${F[i]}${M[i]}`);
      const cls = names[`${+(R[i] > mr)}${+(F[i] > mf)}${+(M[i] > mm)}`];
      assert.equal(r.class, cls, id);
      classCount[cls] = (classCount[cls] || 0) + 1;
    });
    for (const c of s.classes) assert.equal(c.count, classCount[c.key] || 0, c.key);
    assert.equal(s.classes.length, 8);
    assert.equal(s.cells.reduce((a, c) => a + c.count, 0), ids.length);
    assert.ok(s.cells.every((c) => c.count > 0));
  });

  test('tiers: counts by the 80/20 rule on last-365-day profit', async () => {
    const s = await json(['tiers', '--file', csv, '--margin', '0.5']);
    const by = new Map();
    for (const t of truth) {
      if (!by.has(t.customer)) by.set(t.customer, 0);
      if (t.day > asOf - 365) by.set(t.customer, by.get(t.customer) + t.fen);
    }
    const profit = [...by.values()].map((v) => Math.round(v * 0.5));
    const n = profit.length;
    const counts = { strategic: 0, important: 0, general: 0, potential: 0 };
    for (const p of profit) {
      const g = profit.filter((q) => q > p).length;
      counts[g < 0.05 * n ? 'strategic' : g < 0.2 * n ? 'important' : 'general']++;
    }
    assert.equal(s.customers, n);
    assert.deepEqual(Object.fromEntries(s.tiers.map((t) => [t.key, t.count])), counts);
    assert.deepEqual(s.tiers.map((t) => t.name_zh), ['战略客户', '重要客户', '一般客户', '潜在客户']);
  });
});

// --- CLV on customers simulated from the BG/NBD model ------------------------------------

function gammaSample(next, shape, scale) {
  if (shape < 1) return gammaSample(next, shape + 1, scale) * Math.pow(next(), 1 / shape);
  const d = shape - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x, v;
    do {
      const u1 = next(), u2 = next();
      x = Math.sqrt(-2 * Math.log(u1 || 1e-300)) * Math.cos(2 * Math.PI * u2);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = next();
    if (Math.log(u || 1e-300) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v * scale;
  }
}

describe('clv', () => {
  const truthParams = { r: 0.5, alpha: 5, a: 0.8, b: 2.4 };
  const start = dayNumber('2025-01-01');
  const calEnd = start + 7 * 52;      // one year of calibration
  const holdEnd = calEnd + 7 * 26;    // half a year of holdout
  let csv, noAmount;
  before(() => {
    const next = rng(11);
    const lines = ['customer_id,ts,amount'];
    const lines2 = ['customer_id,ts'];
    for (let c = 0; c < 5000; c++) {
      const lambda = gammaSample(next, truthParams.r, 1 / truthParams.alpha);  // per week
      const x = gammaSample(next, truthParams.a, 1), y = gammaSample(next, truthParams.b, 1);
      const p = x / (x + y);
      const nu = gammaSample(next, 3.74, 1 / 15.44);
      let t = Math.floor(next() * 12 * 7) / 7;  // first purchase within the first 12 weeks
      // BG/NBD: a customer may drop out after each repeat purchase (not after the first).
      for (let first = true; ; first = false) {
        const day = start + Math.floor(t * 7);
        if (day > holdEnd) break;
        const fen = Math.max(1, Math.round(gammaSample(next, 6.25, 1 / nu) * 100));
        lines.push(`c${c},${isoOf(day)},${yuan(fen)}`);
        lines2.push(`c${c},${isoOf(day)}`);
        if (!first && next() < p) break;
        t += -Math.log(1 - next()) / Math.max(lambda, 1e-9);
      }
    }
    csv = file('btyd.csv', lines.join('\n') + '\n');
    noAmount = file('btyd_no_amount.csv', lines2.join('\n') + '\n');
  });

  test('BG/NBD + Gamma-Gamma: the JSON of the contract, parameters near the truth', async () => {
    const out = path.join(dir, 'clv.csv');
    const s = await json(['clv', '--file', csv, '--calibration-end', isoOf(calEnd), '--out', out]);
    assert.deepEqual(Object.keys(s), ['model', 'time_unit', 'calibration_end', 'customers', 'excluded', 'params',
      'log_likelihood', 'converged', 'iterations', 'gradient_norm', 'spend', 'customer_equity', 'holdout']);
    assert.equal(s.model, 'bgnbd');
    assert.equal(s.time_unit, 'week');
    assert.equal(s.calibration_end, isoOf(calEnd));
    assert.equal(s.customers, 5000);
    assert.equal(s.excluded, 0);
    assert.equal(s.converged, true);
    assert.deepEqual(Object.keys(s.params), ['r', 'alpha', 'a', 'b']);
    const near = (got, want, tol) => assert.ok(Math.abs(got - want) <= tol * want, `${got} vs ${want}`);
    near(s.params.r, truthParams.r, 0.25);
    near(s.params.alpha, truthParams.alpha, 0.3);
    near(s.params.a, truthParams.a, 0.5);
    near(s.params.b, truthParams.b, 0.5);
    assert.ok(s.log_likelihood < 0);
    assert.deepEqual(Object.keys(s.spend), ['model', 'customers', 'params', 'log_likelihood', 'converged', 'iterations', 'gradient_norm']);
    assert.equal(s.spend.model, 'gamma-gamma');
    assert.deepEqual(Object.keys(s.spend.params), ['p', 'q', 'gamma']);
    assert.ok(s.spend.customers > 0 && s.spend.customers < 5000);
    // Mean spend per purchase p·γ/(q − 1): simulated with p 6.25, q 3.74, γ 15.44 (35.22 yuan).
    near(s.spend.params.p * s.spend.params.gamma / (s.spend.params.q - 1), 35.22, 0.15);
    assert.ok(s.customer_equity > 0);
    assert.equal(s.holdout, null);
    const rows = csvRows(readFileSync(out, 'utf8'));
    assert.equal(rows.length, 5000);
    assert.deepEqual(Object.keys(rows[0]), ['customer_id', 'x', 't_x', 'T', 'm_x', 'p_alive', 'expected_purchases', 'expected_spend', 'clv']);
    assert.ok(rows.every((r) => +r.p_alive >= 0 && +r.p_alive <= 1 && +r.clv >= 0));
    const equity = rows.reduce((a, r) => a + Number(r.clv), 0);
    assert.ok(Math.abs(equity - s.customer_equity) <= 1e-6 * s.customer_equity);
  });

  test('--holdout-end adds the holdout check by calibration frequency', async () => {
    const s = await json(['clv', '--file', csv, '--calibration-end', isoOf(calEnd), '--holdout-end', isoOf(holdEnd)]);
    assert.equal(s.holdout.end, isoOf(holdEnd));
    assert.deepEqual(s.holdout.by_frequency.map((b) => b.frequency), ['0', '1', '2', '3', '4', '5', '6', '7+']);
    assert.equal(s.holdout.by_frequency.reduce((a, b) => a + b.customers, 0), 5000);
    assert.ok(s.holdout.actual_total > 0);
    // The model fits its own simulation: totals agree within 20 %.
    assert.ok(Math.abs(s.holdout.predicted_total - s.holdout.actual_total) < 0.2 * s.holdout.actual_total,
      `${s.holdout.predicted_total} vs ${s.holdout.actual_total}`);
    const r = await analyze(['clv', '--file', csv, '--calibration-end', isoOf(calEnd), '--holdout-end', isoOf(calEnd)]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--holdout-end must be after/);
  });

  test('--spend none works on a file without an amount column; the default needs one', async () => {
    const s = await json(['clv', '--file', noAmount, '--spend', 'none', '--calibration-end', isoOf(calEnd), '--model', 'pareto-nbd']);
    assert.equal(s.model, 'pareto-nbd');
    assert.deepEqual(Object.keys(s.params), ['r', 'alpha', 's', 'beta']);
    assert.equal(s.spend, null);
    assert.equal(s.customer_equity, null);
    const r = await analyze(['clv', '--file', noAmount]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /line 1: missing column "amount"/);
  });

  test('churn lists at-risk customers by value at risk, with reasons', async () => {
    const s = await json(['churn', '--file', csv, '--limit', '5']);
    assert.ok(s.at_risk > 5);
    assert.equal(s.items.length, 5);
    for (let i = 1; i < s.items.length; i++) assert.ok(s.items[i - 1].value_at_risk >= s.items[i].value_at_risk);
    for (const it of s.items) {
      assert.ok(it.reasons.length > 0 && it.reasons.every((x) => x === 'low_p_alive' || x === 'long_gap'));
      if (it.reasons.includes('low_p_alive')) assert.ok(it.p_alive < 0.3);
      if (it.reasons.includes('long_gap')) assert.ok(it.gap_days > 2 * it.usual_interval_days);
    }
  });
});

describe('basket, kpi and kmeans on hand examples', () => {
  test('basket: rules with support, confidence, lift; recommendations in --out', async () => {
    const lines = file('lines.csv', [
      'order_id,customer_id,item', 'o1,c1,milk', 'o1,c1,bread', 'o2,c2,milk', 'o2,c2,bread',
      'o3,c2,milk', 'o3,c2,bread', 'o3,c2,egg', 'o4,c3,egg', 'o5,c3,bread', 'o5,c3,bread',
    ].join('\n'));
    const out = path.join(dir, 'recs.csv');
    const s = await json(['basket', '--file', lines, '--min-support', '0.3', '--out', out]);
    assert.equal(s.baskets, 5);
    assert.equal(s.itemsets, 4);
    const round = (r) => ({ ...r, support: +r.support.toFixed(9), confidence: +r.confidence.toFixed(9), lift: +r.lift.toFixed(9) });
    assert.deepEqual(s.rules.map(round), [
      { antecedent: ['milk'], consequent: ['bread'], support: 0.6, confidence: 1, lift: 1.25, count: 3 },
      { antecedent: ['bread'], consequent: ['milk'], support: 0.6, confidence: 0.75, lift: 1.25, count: 3 },
    ]);
    assert.equal(readFileSync(out, 'utf8'), 'customer_id,item,score,lift\nc3,milk,0.75,1.25\n');
  });

  test('kpi: monthly rows and cohorts', async () => {
    const f = file('kpi.csv', 'customer_id,ts,amount\na,2026-01-05,10\nb,2026-01-10,20\na,2026-02-03,30\nc,2026-02-20,5\nc,2026-02-25,5\n');
    const s = await json(['kpi', '--file', f]);
    assert.equal(s.period, 'month');
    assert.deepEqual(s.rows, [
      { period: '2026-01', active: 2, new: 2, base_start: 0, orders: 2, revenue: 30, aov: 15, acquisition_rate: null,
        retention_rate: null, churn_rate: null, repeat_purchase_rate: 0 },
      { period: '2026-02', active: 2, new: 1, base_start: 2, orders: 3, revenue: 40, aov: 13.33, acquisition_rate: 0.5,
        retention_rate: 0.5, churn_rate: 0.5, repeat_purchase_rate: 0.5 },
    ]);
    assert.deepEqual(s.cohorts, [{ cohort: '2026-01', size: 2, retention: [1, 0.5] }, { cohort: '2026-02', size: 1, retention: [1] }]);
    const out = path.join(dir, 'kpi_rows.csv');
    const q = await json(['kpi', '--file', f, '--period', 'quarter', '--out', out]);
    assert.deepEqual(q.rows.map((r) => [r.period, r.active, r.orders]), [['2026Q1', 3, 5]]);
    assert.equal(readFileSync(out, 'utf8').split('\n')[1], '2026Q1,3,3,0,5,70.00,14.00,,,,0.6666666666666666');
  });

  test('kmeans: k clusters covering every buyer; choose_k only when asked', async () => {
    const { text } = purchaseFile(9, 300, 2000);
    const f = file('km.csv', text);
    const out = path.join(dir, 'clusters.csv');
    const s = await json(['kmeans', '--file', f, '--k', '3', '--out', out]);
    assert.equal(s.k, 3);
    assert.deepEqual(s.features, ['recency', 'frequency', 'monetary']);
    assert.equal(s.clusters.length, 3);
    const rows = csvRows(readFileSync(out, 'utf8'));
    assert.equal(s.clusters.reduce((a, c) => a + c.size, 0), rows.length);
    for (const c of s.clusters) assert.equal(rows.filter((r) => r.cluster === String(c.cluster)).length, c.size);
    assert.deepEqual(Object.keys(s.clusters[0].mean), ['recency', 'frequency', 'monetary']);
    assert.equal(s.choose_k, undefined);
    const c = await json(['kmeans', '--file', f, '--features', 'frequency,tenure', '--choose-k']);
    assert.deepEqual(c.features, ['frequency', 'tenure']);
    assert.deepEqual(c.choose_k.map((r) => r.k), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('errors and exit codes', () => {
  test('a bad row: exit 1 naming the line, and no --out file', async () => {
    const f = file('bad.csv', 'customer_id,ts,amount\na,2026-01-01,1\n"b\nb",2026-01-02,2\nc,2026-02-30,3\nd,2026-01-01,1.234\n');
    const out = path.join(dir, 'never.csv');
    const r = await analyze(['rfm', '--file', f, '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad\.csv line 5: ts: invalid date or time "2026-02-30"/);
    assert.match(r.stderr, /line 6: amount: invalid amount "1\.234"/);
    assert.match(r.stderr, /2 errors/);
    assert.equal(r.stdout, '');
    assert.ok(!existsSync(out));
    assert.deepEqual(readdirSync(dir).filter((n) => n.includes('never')), []);
  });

  test('missing column → exit 1; overridden names are used', async () => {
    const f = file('cols.csv', 'buyer,day,paid\nx,2026-01-01,5\n');
    let r = await analyze(['summary', '--file', f]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /missing column "customer_id", "ts", "amount"/);
    const s = await json(['summary', '--file', f, '--customer-col', 'buyer', '--ts-col', 'day', '--amount-col', 'paid']);
    assert.equal(s.revenue, 5);
    r = await analyze(['summary', '--file', path.join(dir, 'absent.csv')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read/);
  });

  test('usage errors → exit 2 with a message', async () => {
    const f = file('ok.csv', 'customer_id,ts,amount\nx,2026-01-01,5\n');
    const cases = [
      [['summary', '--file', f, '--format', 'xml'], /--format must be json or csv/],
      [['summary', '--file', f, '--db', path.join(dir, 'x.db')], /exactly one of --file/],
      [['summary'], /exactly one of --file/],
      [['rfm', '--file', f, '--bogus', '1'], /unknown option --bogus/],
      [['summary', '--file', f, '--as-of', '2026-02-30'], /--as-of must be a date/],
      [['tiers', '--file', f, '--strategic-share', '2'], /--strategic-share/],
      [['kmeans', '--file', f, '--k', '1'], /--k must be an integer 2..10/],
      [['kmeans', '--file', f, '--features', 'recency,age'], /--features/],
      [['clv', '--file', f, '--model', 'magic'], /--model must be bgnbd or pareto-nbd/],
      [['clv', '--file', f, '--time-unit', 'month'], /--time-unit must be day or week/],
      [['kpi', '--file', f, '--period', 'year'], /--period must be month or quarter/],
      [['basket', '--file', f, '--min-support', '0'], /--min-support/],
      [['nonsense', '--file', f], /unknown command/],
    ];
    for (const [args, re] of cases) {
      const r = await analyze(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, re);
    }
  });
});

describe('--db', () => {
  let env;
  before(async () => {
    env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }] });
    const r = await run(['demo', '--db', env.db, '--customers', '120', '--orders', '900', '--opportunities', '5', '--password-stdin'], PASSWORD);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => { await env?.stop(); });

  test('summary on the store equals summary on its purchases exported through the API', async () => {
    const admin = env.as('boss');
    const { items: orders } = await listAll(admin, '/api/v1/orders', { limit: 200, maxPages: 100 });
    const { items: archived } = await listAll(admin, '/api/v1/customers?archived=true', { limit: 200 });
    const hidden = new Set(archived.map((c) => c.id));
    const purchases = orders.filter((o) => (o.status === 'placed' || o.status === 'paid') && !hidden.has(o.customer_id));
    assert.ok(purchases.length > 100, 'the demo data has purchases');
    const f = file('exported.csv', ['customer_id,ts,amount',
      ...purchases.map((o) => `${o.customer_id},${o.ordered_at},${yuan(o.total)}`)].join('\n'));
    const asOf = '2099-12-31';
    const fromDb = await json(['summary', '--db', env.db, '--as-of', asOf]);
    const fromFile = await json(['summary', '--file', f, '--as-of', asOf]);
    assert.deepEqual(fromDb, fromFile);
    // The store's days are Shanghai days of ordered_at, as the API's ordered_on says.
    assert.equal(fromDb.last_day, purchases.map((o) => o.ordered_on).sort().at(-1));
    const tiers = await json(['tiers', '--db', env.db, '--as-of', asOf]);
    const customers = await listAll(admin, '/api/v1/customers', { limit: 200 });
    assert.equal(tiers.customers, customers.items.length);
    assert.equal(tiers.tiers.find((t) => t.key === 'potential').count, customers.items.length - fromDb.customers);
  });
});
