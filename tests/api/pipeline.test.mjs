// Sales funnel API (docs/sales-api.md): stages, opportunities with stage moves
// and history, validation, visibility, forecast figures computed by hand before
// and after moves, targets (API and CLI), the CLI forecast equal to the API's,
// playbook and buying centre.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer, run } from '../lib/api-helpers.mjs';

const DEFAULT_KEYS = ['customer_analysis', 'build_trust', 'uncover_needs', 'present_value', 'win_commitment',
  'collect_payment', 'won', 'lost'];
const AMOUNT = 1_000_000; // fen; × a rate in basis points / 10000 stays an integer

// The business day and quarter now (Asia/Shanghai, UTC+8).
const shanghaiDay = () => new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
const quarterOf = (day) => `${day.slice(0, 4)}Q${Math.floor((Number(day.slice(5, 7)) - 1) / 3) + 1}`;
const QUARTER = quarterOf(shanghaiDay());
const lastDayOfQuarter = (q) => {
  const year = Number(q.slice(0, 4));
  const n = Number(q.slice(5));
  return new Date(Date.UTC(year, n * 3, 0)).toISOString().slice(0, 10);
};
const CLOSE = lastDayOfQuarter(QUARTER);

let env, admin, rep1, rep2, boss, analyst;
let rates; // stage key → basis points
let cust;

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
  cust = await createCustomer(rep1, { name: '杭州漏斗测试有限公司' });
});
after(async () => { await env?.stop(); });

const weighted = (amount, key) => Math.floor((amount * rates[key] + 5000) / 10000);
const forecast = async (api, query = '') => {
  const r = await api('GET', `/api/v1/pipeline/forecast?quarter=${QUARTER}${query}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
};
const patch = (api, opp, body, version = opp.version) =>
  api('PATCH', `/api/v1/opportunities/${opp.id}`, body, { 'If-Match': `"${version}"` });

describe('pipeline', () => {
  let opp;

  test('GET /stages: default keys in order, keys of each item in contract order, rates in 0..1', async () => {
    const r = await rep1('GET', '/api/v1/stages');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.map((s) => s.key), DEFAULT_KEYS);
    for (const s of r.json) {
      assert.deepEqual(Object.keys(s), ['key', 'name', 'name_zh', 'name_en', 'win_rate', 'kind', 'position']);
      assert.ok(s.win_rate >= 0 && s.win_rate <= 1);
      assert.equal(s.name, s.name_zh);
    }
    assert.equal(r.json[6].win_rate, 1);
    assert.equal(r.json[7].win_rate, 0);
    assert.deepEqual(r.json.map((s) => s.kind), ['open', 'open', 'open', 'open', 'open', 'open', 'won', 'lost']);
    rates = Object.fromEntries(r.json.map((s) => [s.key, Math.round(s.win_rate * 10000)]));
  });

  test('an empty funnel forecasts 0 with null target, coverage and progress', async () => {
    const f = await forecast(rep1);
    assert.deepEqual(
      { closed: f.closed, open_weighted: f.open_weighted, out_of_funnel: f.out_of_funnel, forecast: f.forecast,
        target: f.target, coverage: f.coverage, progress: f.progress },
      { closed: 0, open_weighted: 0, out_of_funnel: 0, forecast: 0, target: null, coverage: null, progress: null });
    assert.deepEqual(Object.keys(f).slice(0, 7),
      ['closed', 'open_weighted', 'out_of_funnel', 'forecast', 'target', 'coverage', 'progress']);
    assert.equal(f.quarter, QUARTER);
  });

  test('POST /opportunities → 201 with id and version; stage defaults to the first open stage', async () => {
    const r = await rep1('POST', '/api/v1/opportunities', {
      customer_id: cust.id, title: 'ERP 二期', amount: AMOUNT, expected_close: CLOSE, money: true, need: true,
    });
    assert.equal(r.status, 201, r.text);
    assert.ok(r.json.id > 0);
    assert.equal(r.json.version, 1);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.json.stage, 'customer_analysis');
    assert.equal(r.json.owner_user_id, env.ids.rep1);
    assert.equal(r.json.customer_name, '杭州漏斗测试有限公司');
    assert.equal(r.json.status, 'open');
    assert.equal(r.json.weighted_amount, weighted(AMOUNT, 'customer_analysis'));
    assert.equal(r.json.man.code, 'MaN');
    assert.equal(r.json.closed_on, null);
    opp = r.json;
  });

  test('bad input: negative amount, unknown stage, missing expected_close → 422 naming the field', async () => {
    const base = { customer_id: cust.id, title: 'x', amount: 1, expected_close: CLOSE };
    assertProblem(await rep1('POST', '/api/v1/opportunities', { ...base, amount: -1 }), 422, 'amount');
    assertProblem(await rep1('POST', '/api/v1/opportunities', { ...base, amount: 1e13 }), 422, 'amount');
    assertProblem(await rep1('POST', '/api/v1/opportunities', { ...base, stage: 'nope' }), 422, 'stage');
    const { expected_close: _, ...noClose } = base;
    assertProblem(await rep1('POST', '/api/v1/opportunities', noClose), 422, 'expected_close');
    const list = await rep1('GET', '/api/v1/opportunities');
    assert.equal(list.json.items.length, 1, 'nothing half-written');
  });

  test('forecast of the open opportunity = amount × stage rate', async () => {
    const f = await forecast(rep1);
    assert.equal(f.closed, 0);
    assert.equal(f.open_weighted, weighted(AMOUNT, 'customer_analysis'));
    assert.equal(f.forecast, weighted(AMOUNT, 'customer_analysis'));
    const row = f.by_stage.find((s) => s.key === 'customer_analysis');
    assert.deepEqual({ count: row.count, amount: row.amount }, { count: 1, amount: AMOUNT });
  });

  test('PATCH stage → history records the move; the forecast follows', async () => {
    const r = await patch(rep1, opp, { stage: 'win_commitment' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.json.stage, 'win_commitment');
    opp = r.json;
    const h = await rep1('GET', `/api/v1/opportunities/${opp.id}/history`);
    assert.equal(h.status, 200, h.text);
    assert.deepEqual(h.json.map((e) => [e.kind, e.from_stage, e.to_stage, e.user_login]),
      [['create', '', 'customer_analysis', 'rep1'], ['stage', 'customer_analysis', 'win_commitment', 'rep1']]);
    const f = await forecast(rep1);
    assert.equal(f.open_weighted, weighted(AMOUNT, 'win_commitment'));
    assert.equal(f.forecast, weighted(AMOUNT, 'win_commitment'));
  });

  test('lost without loss_reason, unknown stage → 422; no If-Match → 428; stale → 409', async () => {
    assertProblem(await patch(rep1, opp, { stage: 'lost' }), 422, 'loss_reason');
    assertProblem(await patch(rep1, opp, { stage: 'nowhere' }), 422, 'stage');
    assertProblem(await patch(rep1, opp, { amount: -5 }), 422, 'amount');
    assertProblem(await rep1('PATCH', `/api/v1/opportunities/${opp.id}`, { stage: 'won' }), 428);
    assertProblem(await patch(rep1, opp, { stage: 'won' }, 1), 409);
    const g = await rep1('GET', `/api/v1/opportunities/${opp.id}`);
    assert.equal(g.json.version, 2, 'nothing changed');
  });

  test('visibility: another rep gets 404; the team manager and the analyst see it; the analyst cannot change it', async () => {
    assertProblem(await rep2('GET', `/api/v1/opportunities/${opp.id}`), 404);
    assertProblem(await patch(rep2, opp, { title: 'mine' }), 404);
    assertProblem(await rep2('GET', `/api/v1/opportunities/${opp.id}/history`), 404);
    assert.equal((await boss('GET', `/api/v1/opportunities/${opp.id}`)).status, 200);
    assert.equal((await analyst('GET', `/api/v1/opportunities/${opp.id}`)).status, 200);
    assertProblem(await patch(analyst, opp, { title: 'x' }), 403);
    assert.equal((await rep2('GET', '/api/v1/opportunities')).json.items.length, 0);
    assertProblem(await rep2('GET', `/api/v1/pipeline/forecast?owner=rep1`), 403);
    assert.equal((await forecast(rep2)).forecast, 0);
  });

  test('targets: admin PUT, rep refused; forecast gets target, coverage and progress', async () => {
    assertProblem(await rep1('PUT', '/api/v1/targets',
      { quarter: QUARTER, scope: 'user', subject_id: env.ids.rep1, amount: 10_000_000 }), 403);
    const r = await admin('PUT', '/api/v1/targets',
      { quarter: QUARTER, scope: 'user', subject_id: env.ids.rep1, amount: 10_000_000 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.subject_name.length > 0, true);
    assertProblem(await admin('PUT', '/api/v1/targets',
      { quarter: QUARTER, scope: 'user', subject_id: env.ids.rep1, amount: 0 }), 422, 'amount');
    const list = await rep1('GET', `/api/v1/targets?quarter=${QUARTER}`);
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.map((t) => [t.scope, t.subject_id, t.amount]), [['user', env.ids.rep1, 10_000_000]]);
    const f = await forecast(rep1);
    const w = weighted(AMOUNT, 'win_commitment');
    assert.equal(f.target, 10_000_000);
    assert.equal(f.coverage, w / 10_000_000);
    // Every figure of this database was created after this week's Monday 00:00,
    // so last week's snapshot is empty.
    assert.deepEqual(f.last_week, { forecast: 0, cumulative_sales: 0 });
    assert.equal(f.progress, w / 10_000_000);
    // The team's target is the sum of its members' (no team target set).
    const team = await forecast(boss);
    assert.equal(team.target, 10_000_000);
  });

  test('CLI targets set/list and pipeline forecast --format json equals the API answer', async () => {
    const set = await run(['targets', 'set', '--db', env.db, '--quarter', QUARTER, '--team', 'east', '--amount', '200000.50']);
    assert.equal(set.code, 0, set.stderr);
    const list = await run(['targets', 'list', '--db', env.db, '--quarter', QUARTER, '--format', 'json']);
    assert.equal(list.code, 0, list.stderr);
    const team = JSON.parse(list.stdout).find((t) => t.scope === 'team');
    assert.equal(team.amount, 20_000_050);
    assert.equal(team.subject_name, 'east');
    const cli = await run(['pipeline', 'forecast', '--db', env.db, '--quarter', QUARTER, '--owner', 'rep1', '--format', 'json']);
    assert.equal(cli.code, 0, cli.stderr);
    const api = await admin('GET', `/api/v1/pipeline/forecast?quarter=${QUARTER}&owner=rep1`);
    assert.deepEqual(JSON.parse(cli.stdout), api.json);
    const bad = await run(['pipeline', 'forecast', '--db', env.db, '--quarter', '2026Q5']);
    assert.equal(bad.code, 2);
    const both = await run(['targets', 'set', '--db', env.db, '--quarter', QUARTER, '--company', '--team', 'east', '--amount', '1']);
    assert.equal(both.code, 2);
  });

  test('won sets closed_on today; closed counts in forecast and progress; back to open clears it', async () => {
    let r = await patch(rep1, opp, { stage: 'won' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.closed_on, shanghaiDay());
    assert.equal(r.json.status, 'won');
    opp = r.json;
    let f = await forecast(rep1);
    assert.deepEqual([f.closed, f.open_weighted, f.forecast, f.cumulative_sales], [AMOUNT, 0, AMOUNT, AMOUNT]);
    assert.equal(f.progress, (AMOUNT + AMOUNT) / 10_000_000);
    r = await patch(rep1, opp, { stage: 'present_value' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.closed_on, null);
    opp = r.json;
    f = await forecast(rep1);
    assert.equal(f.closed, 0);
    assert.equal(f.open_weighted, weighted(AMOUNT, 'present_value'));
    r = await patch(rep1, opp, { stage: 'lost', loss_reason: '预算取消' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.loss_reason, '预算取消');
    opp = r.json;
    f = await forecast(rep1);
    assert.deepEqual([f.closed, f.open_weighted, f.forecast], [0, 0, 0]);
    const h = await rep1('GET', `/api/v1/opportunities/${opp.id}/history`);
    assert.deepEqual(h.json.map((e) => e.to_stage),
      ['customer_analysis', 'win_commitment', 'won', 'present_value', 'lost']);
  });

  test('board: open opportunities by stage with totals', async () => {
    const r = await rep1('POST', '/api/v1/opportunities',
      { customer_id: cust.id, title: '培训', amount: 300_000, stage: 'build_trust', expected_close: CLOSE });
    assert.equal(r.status, 201, r.text);
    const b = await rep1('GET', '/api/v1/pipeline/board');
    assert.equal(b.status, 200, b.text);
    assert.deepEqual(b.json.stages.map((s) => s.key), DEFAULT_KEYS.slice(0, 6));
    const col = b.json.stages.find((s) => s.key === 'build_trust');
    assert.deepEqual([col.count, col.amount, col.items.map((o) => o.id)], [1, 300_000, [r.json.id]]);
    assert.equal(b.json.stages.find((s) => s.key === 'present_value').count, 0);
  });

  test('leaderboard, teams and funnel answer their shapes', async () => {
    const lb = await admin('GET', `/api/v1/pipeline/leaderboard?quarter=${QUARTER}`);
    assert.equal(lb.status, 200, lb.text);
    const me = lb.json.find((row) => row.login === 'rep1');
    assert.deepEqual([me.target, me.forecast], [10_000_000, weighted(300_000, 'build_trust')]);
    assert.ok(me.activity >= 6);
    const teams = await admin('GET', `/api/v1/pipeline/teams?quarter=${QUARTER}`);
    assert.equal(teams.status, 200, teams.text);
    const east = teams.json.find((t) => t.team_name === 'east');
    assert.equal(east.target, 20_000_050);
    assertProblem(await rep1('GET', '/api/v1/pipeline/teams'), 403);
    const funnel = await admin('GET', `/api/v1/pipeline/funnel?quarter=${QUARTER}`);
    assert.equal(funnel.status, 200, funnel.text);
    assert.deepEqual(funnel.json.stages.map((s) => s.key), DEFAULT_KEYS.slice(0, 6));
  });

  test('playbook: seeded, per opportunity in the requested locale; managers edit, reps may not', async () => {
    const all = await rep1('GET', '/api/v1/playbook?locale=zh');
    assert.equal(all.status, 200, all.text);
    assert.ok(all.json.length > 0, 'default playbook seeded');
    assert.ok(all.json.every((e) => e.locale === 'zh'));
    const mine = await rep1('GET', `/api/v1/opportunities/${opp.id}/playbook?locale=en`);
    assert.equal(mine.status, 200, mine.text);
    assert.ok(mine.json.every((e) => e.locale === 'en' && (e.stage === opp.stage || e.stage === '')));
    const entry = { stage: 'present_value', situation: 'price_too_high', kind: 'objection', locale: 'zh',
      title: '价格太高', body: '先确认对方比较的是什么。' };
    assertProblem(await rep1('POST', '/api/v1/playbook', entry), 403);
    const created = await boss('POST', '/api/v1/playbook', entry);
    assert.equal(created.status, 201, created.text);
    const changed = await boss('PATCH', `/api/v1/playbook/${created.json.id}`, { title: '太贵了' },
      { 'If-Match': `"${created.json.version}"` });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.json.title, '太贵了');
    assert.equal((await boss('DELETE', `/api/v1/playbook/${created.json.id}`)).status, 204);
  });

  test('buying centre: members with contact names; a reporting cycle is refused', async () => {
    const c1 = await rep1('POST', '/api/v1/contacts', { customer_id: cust.id, name: '王总', title: '总经理' });
    const c2 = await rep1('POST', '/api/v1/contacts', { customer_id: cust.id, name: '刘工', title: '技术主管' });
    assert.equal(c1.status, 201, c1.text);
    const path = `/api/v1/opportunities/${opp.id}/buying-centre`;
    const a = await rep1('POST', path, { contact_id: c1.json.id, role: 'decision_maker', attitude: 'supporter', influence: 5 });
    assert.equal(a.status, 201, a.text);
    const b = await rep1('POST', path,
      { contact_id: c2.json.id, role: 'technical_gatekeeper', attitude: 'skeptic', influence: 3, reports_to: a.json.id });
    assert.equal(b.status, 201, b.text);
    const list = await rep1('GET', path);
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(list.json.map((m) => [m.contact_name, m.contact_title, m.role, m.reports_to]),
      [['王总', '总经理', 'decision_maker', null], ['刘工', '技术主管', 'technical_gatekeeper', a.json.id]]);
    assertProblem(await rep1('PUT', `${path}/${a.json.id}`,
      { contact_id: c1.json.id, role: 'decision_maker', reports_to: b.json.id }), 422, 'reports_to');
    assertProblem(await rep1('POST', path, { contact_id: c1.json.id, role: 'boss' }), 422, 'role');
    assertProblem(await rep2('GET', path), 404);
    assert.equal((await rep1('DELETE', `${path}/${b.json.id}`)).status, 204);
    assert.equal((await rep1('GET', path)).json.length, 1);
  });

  test('settings, learned rates, accuracy and stage configuration', async () => {
    assertProblem(await rep1('PUT', '/api/v1/sales-settings', { out_of_funnel_threshold: 100 }), 403);
    assertProblem(await admin('PUT', '/api/v1/sales-settings', { out_of_funnel_threshold: -1 }), 422, 'out_of_funnel_threshold');
    const put = await admin('PUT', '/api/v1/sales-settings', { out_of_funnel_threshold: 100_000 });
    assert.equal(put.status, 200, put.text);
    assert.deepEqual((await rep1('GET', '/api/v1/sales-settings')).json, { out_of_funnel_threshold: 100_000 });

    const learned = await admin('GET', '/api/v1/stages/learned');
    assert.equal(learned.status, 200, learned.text);
    assert.deepEqual(learned.json.items.map((i) => i.key), DEFAULT_KEYS.slice(0, 6));
    // rep1's opportunity was lost after passing customer_analysis, win_commitment and present_value.
    const wc = learned.json.items.find((i) => i.key === 'win_commitment');
    assert.deepEqual([wc.passed, wc.won, wc.learned_rate], [1, 0, 0]);
    assert.equal(learned.json.items.find((i) => i.key === 'uncover_needs').learned_rate, null);

    const acc = await admin('GET', `/api/v1/pipeline/accuracy?quarter=${QUARTER}`);
    assert.equal(acc.status, 200, acc.text);
    assert.equal(acc.json.quarter, QUARTER);
    assert.ok(Array.isArray(acc.json.weeks));
    assertProblem(await admin('GET', '/api/v1/pipeline/accuracy?quarter=2999Q1'), 400, 'quarter');

    const open = DEFAULT_KEYS.slice(0, 6).map((key) => ({ key, name_zh: key, name_en: key, win_rate: 0.2 }));
    assertProblem(await rep1('PUT', '/api/v1/stages', open), 403);
    assertProblem(await admin('PUT', '/api/v1/stages', [{ ...open[0], win_rate: 1.5 }, ...open.slice(1)]), 422);
    const changed = await admin('PUT', '/api/v1/stages', open);
    assert.equal(changed.status, 200, changed.text);
    assert.deepEqual(changed.json.map((st) => [st.key, st.win_rate]),
      [...DEFAULT_KEYS.slice(0, 6).map((k) => [k, 0.2]), ['won', 1], ['lost', 0]]);
    const f = await forecast(rep1);
    assert.equal(f.open_weighted, 300_000 * 0.2);
  });
});
