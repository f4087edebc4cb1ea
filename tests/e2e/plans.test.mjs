// Return-visit plans (/settings/visit-plans, 回访计划) through the browser: a
// manager reaches the page from the settings submenu, adds a plan for strategic
// customers with labelled selects and sees it listed; a rep reads it without the
// form; axe checks both.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, login, newPage, pickOption, setUp, snapshot } from './harness.mjs';

let env;

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
});

after(async () => {
  await env?.close();
});

test('a manager adds a plan from the settings submenu and sees it listed', async () => {
  await withPage('zhang', 'plans-create', async (page) => {
    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByText('销售设置', { exact: true }).hover();
    await page.getByRole('link', { name: '回访计划', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '回访计划' }).waitFor();
    await page.getByLabel('计划名称').fill('战略客户双周回访');
    await pickOption(page, '类别依据', '价值层级');
    await pickOption(page, '类别取值', '战略客户');
    await page.getByLabel('回访间隔（天）').fill('14');
    await page.getByLabel('任务标题').first().fill('电话回访战略客户');
    await page.getByTestId('visit-plan-save').click();
    await page.getByText('回访计划已保存').waitFor();
    const row = page.getByTestId('visit-plans').getByRole('row').filter({ hasText: '战略客户双周回访' });
    await row.getByText('价值层级：战略客户').waitFor();
    await row.getByText('电话回访战略客户').waitFor();
    await assertNoSeriousA11yViolations(page, 'visit plans (manager)');
  });
  const plans = await env.api('admin')('GET', '/api/v1/visit-plans');
  assert.equal(plans.status, 200, plans.text);
  assert.deepEqual(plans.json.items.map((p) => [p.name, p.class_kind, p.class_value, p.interval_days]),
    [['战略客户双周回访', 'tier', 'strategic', 14]]);
});

test('a rep reads the plans without the form', async () => {
  await withPage('wang', 'plans-read', async (page) => {
    await page.goto(env.baseUrl + '/settings/visit-plans');
    await page.getByRole('heading', { level: 1, name: '回访计划' }).waitFor();
    await page.getByText('只有经理和管理员可以修改回访计划与事件规则。').waitFor();
    await page.getByTestId('visit-plans').getByText('战略客户双周回访').waitFor();
    assert.equal(await page.getByTestId('visit-plan-save').count(), 0);
    await assertNoSeriousA11yViolations(page, 'visit plans (rep)');
  });
});
