// Sales pages through the browser: creating an opportunity from the board, the
// decision-chain chart, targets and coverage, creating an order with a product line.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectText, login, newPage, setUp, snapshot } from './harness.mjs';

const CUSTOMER = '宁波港城智能仓储有限公司';
let env;
let customerId;

function todayShanghai() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function ok(res, status = 200) {
  assert.equal(res.status, status, res.text);
  return res.json;
}

/** Picks `optionText` in the antd Select labelled `label` (a required field's name starts with "*"). */
async function pickOption(page, label, optionText) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const combobox = page.getByRole('combobox', { name: new RegExp(`^(\\* )?${escaped}$`) });
  const select = page.locator('.ant-select').filter({ has: combobox });
  // The dropdown this select controls (not one still fading out from an earlier pick).
  const listId = await combobox.getAttribute('aria-controls');
  for (let attempt = 0; ; attempt++) {
    await select.click();
    const dropdown = page.locator('.ant-select-dropdown').filter({ has: page.locator(`[id="${listId}"]`) });
    await dropdown.locator('.ant-select-item-option').filter({ hasText: optionText }).first().click();
    const shown = (await select.locator('.ant-select-selection-item').first().textContent().catch(() => '')) ?? '';
    if (shown.includes(optionText) || attempt === 2) {
      assert.ok(shown.includes(optionText), `${label}: picked ${optionText}, shows ${shown}`);
      return;
    }
  }
}

/** Runs `fn` with a fresh logged-in page; saves a screenshot on failure. */
async function withPage(loginName, name, fn) {
  const page = await newPage(env);
  try {
    await login(page, env, loginName);
    await fn(page);
    assert.deepEqual(page.pageErrors, []);
  } catch (e) {
    await snapshot(page, name);
    throw e;
  } finally {
    await page.context().close();
  }
}

before(async () => {
  env = await setUp();
  customerId = (await ok(await env.api('wang')('POST', '/api/v1/customers', { kind: 'organization', name: CUSTOMER, province: '浙江省' }), 201)).id;
});

after(async () => {
  await env?.close();
});

// Ticks a checkbox inside a modal that may still be re-laying out (the MAN advice
// appears as soon as one box is ticked): a click that lands mid-animation is retried.
async function checkBox(box) {
  for (let attempt = 0; attempt < 3 && !(await box.isChecked()); attempt++) {
    await box.click();
    if (!(await box.isChecked())) await box.page().waitForTimeout(200);
  }
  assert.ok(await box.isChecked(), 'checkbox ticked');
}

test('create an opportunity from the board: amount in 元 arrives as fen, MAN code shown', { timeout: 60_000 }, async () => {
  await withPage('wang', 'sales-create-opp', async (page) => {
    await page.goto(env.baseUrl + '/pipeline');
    await page.getByTestId('create-opportunity').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '新建商机' });
    await dialog.waitFor();
    await pickOption(page, '客户', CUSTOMER);
    await dialog.getByLabel('商机名称').fill('立体仓库 WMS 升级');
    // 0.1 + 0.2 style amounts must not suffer from floating point: 1,234,567.89 元.
    await dialog.getByLabel('金额（元）').fill('1,234,567.89');
    await dialog.getByLabel('预计成交日期').fill(todayShanghai());
    // Close the date picker's popup (a click on the dialog's title) so it cannot swallow
    // the next clicks.
    await dialog.locator('.ant-modal-title').click();
    await checkBox(dialog.getByLabel('购买能力 (M)'));
    await checkBox(dialog.getByLabel('需求 (N)'));
    await dialog.getByTestId('opp-form-submit').click();
    await page.waitForURL(/\/opportunities\/\d+$/);
    const id = Number(page.url().match(/(\d+)$/)[1]);
    const opp = await ok(await env.api('wang')('GET', `/api/v1/opportunities/${id}`));
    assert.equal(opp.amount, 123_456_789);
    assert.equal(opp.stage, 'customer_analysis');
    assert.equal(opp.man.code, 'MaN');
    await expectText(page.getByTestId('opp-amount'), '¥1,234,567.89');
    await expectText(page.getByTestId('man-code'), 'MaN');
    assert.equal((await page.getByTestId('man-advice').textContent()).trim(), opp.man.advice_zh);
    // The stage's playbook is shown.
    await page.getByTestId('playbook').waitFor();
  });
});

test('the decision-chain chart renders the buying centre; a member added in the UI appears', { timeout: 60_000 }, async () => {
  const api = env.api('wang');
  const opp = await ok(await api('POST', '/api/v1/opportunities', { customer_id: customerId, title: '港城二期 AGV', amount: 50_000_000, expected_close: todayShanghai(), stage: 'uncover_needs' }), 201);
  const contact = async (name, title) => (await ok(await api('POST', '/api/v1/contacts', { customer_id: customerId, name, title }), 201)).id;
  const boss = await contact('陈总', '总经理');
  const cto = await contact('刘工', '技术总监');
  const buyer = await contact('周经理', '采购经理');
  const base = `/api/v1/opportunities/${opp.id}/buying-centre`;
  const m1 = await ok(await api('POST', base, { contact_id: boss, role: 'decision_maker', attitude: 'supporter', influence: 5 }), 201);
  await ok(await api('POST', base, { contact_id: cto, role: 'technical_gatekeeper', attitude: 'skeptic', influence: 4, reports_to: m1.id }), 201);

  await withPage('wang', 'sales-decision-chain', async (page) => {
    await page.goto(env.baseUrl + `/opportunities/${opp.id}`);
    await expectText(page.getByTestId('buying-centre-count'), '共 2 位成员');
    const chart = page.getByTestId('decision-chain');
    await chart.locator('canvas').first().waitFor();
    const box = await chart.boundingBox();
    assert.ok(box.width > 200 && box.height > 200, `chart ${box.width}×${box.height}`);

    await page.getByTestId('add-member').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '添加成员' });
    await dialog.waitFor();
    await pickOption(page, '联系人', '周经理');
    await pickOption(page, '角色', '采购人员');
    await pickOption(page, '态度', '中立');
    await pickOption(page, '汇报对象', '陈总');
    await dialog.getByRole('button', { name: '保存' }).click();
    await expectText(page.getByTestId('buying-centre-count'), '共 3 位成员');
    await chart.locator('canvas').first().waitFor();
    const members = await ok(await api('GET', base));
    const added = members.find((m) => m.contact_id === buyer);
    assert.equal(added.role, 'purchaser');
    assert.equal(added.reports_to, m1.id);
  });
});

test('targets page sets a target and coverage appears', { timeout: 60_000 }, async () => {
  const api = env.api('wang');
  await ok(await api('POST', '/api/v1/opportunities', { customer_id: customerId, title: '港城叉车租赁', amount: 20_000_000, expected_close: todayShanghai(), stage: 'present_value' }), 201);
  await withPage('admin', 'sales-targets', async (page) => {
    await page.goto(env.baseUrl + '/targets');
    await page.getByTestId('set-target').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '设定' });
    await dialog.waitFor();
    await pickOption(page, '对象', 'wang');
    await dialog.getByLabel('目标金额（元）').fill('1000000');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expectText(page.getByTestId('target-amount').first(), '¥1,000,000.00');
  });
  const f = await ok(await api('GET', '/api/v1/pipeline/forecast'));
  assert.equal(f.target, 100_000_000);
  assert.ok(f.coverage > 0);
  await withPage('wang', 'sales-coverage', async (page) => {
    await page.goto(env.baseUrl + '/pipeline');
    await expectText(page.getByTestId('forecast-target'), '¥1,000,000.00');
    // Coverage = forecast ÷ target, shown as a percentage with one decimal.
    const expected = `${(f.forecast / f.target * 100).toFixed(1).replace(/\.0+$/, '')}%`;
    await expectText(page.getByTestId('forecast-coverage'), expected);
  });
});

test('orders page creates an order with a product line priced from the product', { timeout: 60_000 }, async () => {
  const product = await ok(await env.api('admin')('POST', '/api/v1/products', { code: 'GX-SCAN-01', name: '手持扫码枪', category: '硬件', list_price: 129_900, active: true }), 201);
  await withPage('wang', 'sales-orders', async (page) => {
    await page.goto(env.baseUrl + '/orders');
    await page.getByTestId('create-order').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '新建订单' });
    await dialog.waitFor();
    await pickOption(page, '客户', CUSTOMER);
    await pickOption(page, '产品 1', '手持扫码枪');
    await expectText(dialog.getByTestId('order-sum'), '合计: ¥1,299.00');
    await dialog.getByLabel('数量').fill('3');
    await dialog.getByLabel('折扣（元）').fill('0.30');
    await expectText(dialog.getByTestId('order-sum'), '合计: ¥3,896.70');
    await dialog.getByRole('button', { name: '新建' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await expectText(page.getByTestId('order-total').first(), '¥3,896.70');
  });
  const orders = await ok(await env.api('wang')('GET', `/api/v1/orders?customer_id=${customerId}`));
  assert.equal(orders.items.length, 1);
  const order = await ok(await env.api('wang')('GET', `/api/v1/orders/${orders.items[0].id}`));
  assert.equal(order.total, 3 * 129_900 - 30);
  assert.equal(order.lines.length, 1);
  assert.equal(order.lines[0].product_id, product.id);
  assert.equal(order.lines[0].unit_price, 129_900);
});

test('orders CSV import shows the report with the rejected line numbers', { timeout: 60_000 }, async () => {
  await ok(await env.api('wang')('POST', '/api/v1/customers', { kind: 'organization', name: '温州瓯江电器有限公司', external_id: 'WZ-001' }), 201);
  const csv = [
    'customer_external_id,order_id,ordered_at,amount',
    'WZ-001,IMP-1,2026-10-08,1200.50',
    'WZ-001,IMP-2,2026-10-09,99',
    'NO-SUCH,IMP-3,2026-10-10,10',
  ].join('\n') + '\n';
  await withPage('admin', 'sales-import', async (page) => {
    await page.goto(env.baseUrl + '/orders');
    await page.locator('input[type=file]').setInputFiles({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    await report.getByText('新增 2 条，已存在 0 条，拒绝 1 行').waitFor();
    // The rejected row is line 4 of the file (the header is line 1).
    await report.locator('tbody tr').filter({ hasText: 'customer_external_id' }).first().waitFor();
    assert.equal((await report.locator('tbody tr td').first().textContent()).trim(), '4');
  });
});

test('stage settings: an admin changes a win rate and the out-of-funnel threshold', { timeout: 60_000 }, async () => {
  await withPage('admin', 'sales-stages', async (page) => {
    await page.goto(env.baseUrl + '/settings/stages');
    const rate = page.getByLabel('赢率 4', { exact: true });
    await rate.waitFor();
    assert.equal(await rate.inputValue(), '50.00');
    await rate.fill('55.5');
    await page.getByTestId('save-stages').click();
    await page.getByText('已保存').first().waitFor();
    await page.getByLabel('漏斗外销售额门槛').fill('2000');
    // Both save buttons share one busy flag: a click while the stages save is still
    // finishing would land on a loading button and do nothing.
    const saveThreshold = page.getByTestId('save-threshold');
    await page.waitForFunction(() => !document.querySelector('[data-testid="save-threshold"]').classList.contains('ant-btn-loading'));
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/v1/sales-settings') && r.request().method() === 'PUT');
    await saveThreshold.click();
    assert.equal((await saved).status(), 200);
  });
  const stages = await ok(await env.api('admin')('GET', '/api/v1/stages'));
  assert.equal(stages.find((s) => s.key === 'present_value').win_rate, 0.555);
  const settings = await ok(await env.api('admin')('GET', '/api/v1/sales-settings'));
  assert.equal(settings.out_of_funnel_threshold, 200_000);
});
