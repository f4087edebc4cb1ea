// The sales pipeline through the browser: drag a card between stages and watch
// the forecast move by exactly amount × (new rate − old rate); the stage history
// on the opportunity page shows the move; dropping on "lost" asks for a reason.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, expectText, login, newPage, setUp, snapshot } from './harness.mjs';

let env;
let customerId;
let stages;

/** "¥1,234.50" → 123450 (fen). */
export function fenOf(text) {
  const m = /^(-?)¥([\d,]+)\.(\d{2})$/.exec(text.trim());
  assert.ok(m, `not an amount: ${text}`);
  return (m[1] ? -1 : 1) * (Number(m[2].replace(/,/g, '')) * 100 + Number(m[3]));
}

/** Today in Asia/Shanghai (the business day the server uses). */
function todayShanghai() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function createOpportunity(login, body) {
  const res = await env.api(login)('POST', '/api/v1/opportunities', { customer_id: customerId, expected_close: todayShanghai(), ...body });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

/** Win rate in basis points (the wire carries 0..1 rounded to 4 decimals). */
const bp = (key) => Math.round(stages.find((s) => s.key === key).win_rate * 10000);

before(async () => {
  env = await setUp();
  const res = await env.api('wang')('POST', '/api/v1/customers', { kind: 'organization', name: '苏州工业园区星河精密机械有限公司', province: '江苏省' });
  assert.equal(res.status, 201, res.text);
  customerId = res.json.id;
  const st = await env.api('wang')('GET', '/api/v1/stages');
  assert.equal(st.status, 200, st.text);
  stages = st.json;
});

after(async () => {
  await env?.close();
});

test('drag a card to another stage: the forecast changes by amount × Δrate, history shows the move', { timeout: 90_000 }, async () => {
  // ¥88,800.00: a multiple of ¥1, so amount × rate is a whole number of fen for any
  // rate with 4 decimals and the per-stage rounding of the forecast cannot blur the check.
  const amount = 8_880_000;
  const opp = await createOpportunity('wang', { title: '星河五轴加工中心采购', amount, stage: 'build_trust', money: true, authority: false, need: true });
  const from = 'build_trust';
  const to = 'present_value';
  const expectedDelta = (amount * (bp(to) - bp(from))) / 10000;
  assert.ok(Number.isInteger(expectedDelta));
  // Hand check with the default rates of a fresh database (build_trust 10%,
  // present_value 50%): 88,800 元 × 40% = 35,520 元 = 3,552,000 fen.
  assert.equal(bp(from), 1000);
  assert.equal(bp(to), 5000);
  assert.equal(expectedDelta, 3_552_000);

  const page = await newPage(env);
  try {
    await login(page, env, 'wang');
    await page.goto(env.baseUrl + '/pipeline');
    const card = page.getByTestId(`opp-card-${opp.id}`);
    await card.waitFor();
    await expectText(card.getByTestId('opp-card-amount'), '¥88,800.00');
    await expectText(card.getByTestId('opp-card-man'), 'MaN');
    const forecastCell = page.getByTestId('forecast-forecast');
    await page.waitForFunction(() => /¥/.test(document.querySelector('[data-testid="forecast-forecast"]')?.textContent ?? ''));
    const before = fenOf(await forecastCell.textContent());

    // The API agrees with the page before the move.
    const q = (await env.api('wang')('GET', '/api/v1/pipeline/forecast')).json;
    assert.equal(q.forecast, before);

    await card.dragTo(page.getByTestId(`stage-col-${to}`));
    await page.getByTestId(`stage-col-${to}`).getByTestId(`opp-card-${opp.id}`).waitFor();
    const expected = before + expectedDelta;
    const deadline = Date.now() + 10_000;
    let now = before;
    while (Date.now() < deadline && now !== expected) {
      now = fenOf(await forecastCell.textContent());
      if (now !== expected) await page.waitForTimeout(100);
    }
    assert.equal(now, expected, `forecast ${before} → ${now}, expected +${expectedDelta}`);
    const moved = (await env.api('wang')('GET', `/api/v1/opportunities/${opp.id}`)).json;
    assert.equal(moved.stage, to);
    assert.equal(moved.version, opp.version + 1);

    // The opportunity page's stage history shows the move (from → to).
    await card.getByTestId('opp-card-title').click();
    await page.waitForURL(new RegExp(`/opportunities/${opp.id}$`));
    const history = page.getByTestId('stage-history');
    await history.getByText('建立信任 → 呈现价值').waitFor();
  } catch (e) {
    await snapshot(page, 'pipeline-drag');
    throw e;
  } finally {
    await page.context().close();
  }
});

test('dropping a card on lost asks for a reason; won asks nothing', { timeout: 90_000 }, async () => {
  const lose = await createOpportunity('wang', { title: '星河刀具年度框架', amount: 1_234_567, stage: 'uncover_needs' });
  const win = await createOpportunity('wang', { title: '星河测量仪', amount: 500_000, stage: 'win_commitment' });
  const page = await newPage(env);
  try {
    await login(page, env, 'wang');
    await page.goto(env.baseUrl + '/pipeline');
    await page.getByTestId(`opp-card-${lose.id}`).waitFor();
    await expectText(page.getByTestId(`opp-card-${lose.id}`).getByTestId('opp-card-amount'), '¥12,345.67');

    await page.getByTestId(`opp-card-${lose.id}`).dragTo(page.getByTestId('drop-lost'));
    const dialog = page.getByRole('dialog').filter({ hasText: '输单原因' });
    await dialog.waitFor();
    // An empty reason is refused in the dialog.
    await dialog.getByTestId('loss-submit').click();
    await dialog.getByText('请填写输单原因').waitFor();
    await dialog.getByLabel('输单原因').fill('价格高于竞品 15%');
    await dialog.getByTestId('loss-submit').click();
    await dialog.waitFor({ state: 'hidden' });
    await page.getByTestId(`opp-card-${lose.id}`).waitFor({ state: 'detached' });
    const lost = (await env.api('wang')('GET', `/api/v1/opportunities/${lose.id}`)).json;
    assert.equal(lost.stage, 'lost');
    assert.equal(lost.loss_reason, '价格高于竞品 15%');
    assert.equal(lost.closed_on, todayShanghai());

    await page.getByTestId(`opp-card-${win.id}`).dragTo(page.getByTestId('drop-won'));
    await page.getByTestId(`opp-card-${win.id}`).waitFor({ state: 'detached' });
    assert.equal(await page.getByRole('dialog').count(), 0);
    const won = (await env.api('wang')('GET', `/api/v1/opportunities/${win.id}`)).json;
    assert.equal(won.stage, 'won');
    assert.deepEqual(page.pageErrors, []);
  } catch (e) {
    await snapshot(page, 'pipeline-lost');
    throw e;
  } finally {
    await page.context().close();
  }
});

test('a stale card (changed elsewhere) is not moved: 409, a warning, the board reloads', { timeout: 60_000 }, async () => {
  const opp = await createOpportunity('wang', { title: '星河冷却液', amount: 300_000, stage: 'customer_analysis' });
  const page = await newPage(env);
  try {
    await login(page, env, 'wang');
    await page.goto(env.baseUrl + '/pipeline');
    const card = page.getByTestId(`opp-card-${opp.id}`);
    await card.waitFor();
    // Someone else changes the amount: the board's version is now stale.
    const res = await env.api('wang')('PATCH', `/api/v1/opportunities/${opp.id}`, { amount: 400_000 }, { 'if-match': `"${opp.version}"` });
    assert.equal(res.status, 200, res.text);
    await card.dragTo(page.getByTestId('stage-col-build_trust'));
    await page.getByText('该商机已被他人修改，已刷新看板').waitFor();
    await expectText(page.getByTestId(`opp-card-${opp.id}`).getByTestId('opp-card-amount'), '¥4,000.00');
    await page.getByTestId('stage-col-customer_analysis').getByTestId(`opp-card-${opp.id}`).waitFor();
    const now = (await env.api('wang')('GET', `/api/v1/opportunities/${opp.id}`)).json;
    assert.equal(now.stage, 'customer_analysis');
  } catch (e) {
    await snapshot(page, 'pipeline-conflict');
    throw e;
  } finally {
    await page.context().close();
  }
});

test('axe: no serious or critical violations on the board, the opportunity page and the dashboard', { timeout: 90_000 }, async () => {
  const opp = await createOpportunity('wang', { title: '星河夹具', amount: 120_000, stage: 'uncover_needs', money: true, authority: true, need: true });
  const page = await newPage(env);
  try {
    await login(page, env, 'wang');
    await page.goto(env.baseUrl + '/pipeline');
    await page.getByTestId(`opp-card-${opp.id}`).waitFor();
    await assertNoSeriousA11yViolations(page, 'pipeline');
    await page.goto(env.baseUrl + `/opportunities/${opp.id}`);
    await page.getByTestId('stage-history').waitFor();
    await page.getByTestId('playbook').waitFor();
    await assertNoSeriousA11yViolations(page, 'opportunity');
    await page.goto(env.baseUrl + '/sales');
    await page.getByTestId('funnel-chart').waitFor();
    await assertNoSeriousA11yViolations(page, 'sales dashboard');
  } catch (e) {
    await snapshot(page, 'pipeline-axe');
    throw e;
  } finally {
    await page.context().close();
  }
});
