// Care journeys (/settings/journeys, 关怀旅程) through the browser: a manager
// reaches the page from the settings submenu, creates a manual journey with four
// steps (day, channel, title per step) and sees it listed; an overlapping step
// is shown on its field; on a customer's page a rep adds the customer to the
// journey and takes them out again. axe checks the pages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { assertNoSeriousA11yViolations, expectCount, login, newPage, pickOption, setUp, snapshot } from './harness.mjs';

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

const STEPS = [
  [0, '面对面', '欢迎致谢，赠送贵宾卡'],
  [7, '电话', '问候回访'],
  [20, '微信', '发送使用指南'],
  [38, '短信', '专属优惠'],
];

test('a manager creates a journey with four steps from the settings submenu', async () => {
  await withPage('zhang', 'journeys-create', async (page) => {
    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByText('销售设置', { exact: true }).hover();
    await page.getByRole('link', { name: '关怀旅程', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '关怀旅程' }).waitFor();
    // The seeded example is listed (disabled).
    await page.getByTestId('journeys').getByText('首购关怀').waitFor();
    await page.getByTestId('journey-new').click();
    await page.getByLabel('旅程名称').fill('新客四步关怀');
    await pickOption(page, '触发条件', '手动加入');
    for (let i = 0; i < STEPS.length; i++) {
      if (i > 0) await page.getByTestId('journey-add-step').click();
      const [day, channel, title] = STEPS[i];
      const step = `第 ${i + 1} 步`;
      await page.getByLabel(`第几天 (${step})`).fill(String(day));
      await pickOption(page, `渠道 (${step})`, channel);
      // Let the dropdown close: the next step's select opens its own.
      await expectCount(page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)'), 0);
      await page.getByLabel(`任务标题 (${step})`).fill(title);
    }
    // Step 3 on the same day as step 2: the server names the field.
    await page.getByLabel('第几天 (第 3 步)').fill('7');
    await page.getByTestId('journey-save').click();
    await page.getByText(/overlapping steps/).first().waitFor();
    await page.getByLabel('第几天 (第 3 步)').fill('20');
    await assertNoSeriousA11yViolations(page, 'journey editor');
    await page.getByTestId('journey-save').click();
    await page.getByText('旅程已保存').waitFor();
    // The toast fades out over the page; axe would read its half-transparent text.
    await page.locator('.ant-message-notice').waitFor({ state: 'detached', timeout: 15_000 });
    const row = page.getByTestId('journeys').getByRole('row').filter({ hasText: '新客四步关怀' });
    await row.getByText('4 步：第 0, 7, 20, 38 天').waitFor();
    await assertNoSeriousA11yViolations(page, 'journeys (manager)');
  });
  const journeys = await env.api('admin')('GET', '/api/v1/journeys');
  assert.equal(journeys.status, 200, journeys.text);
  const created = journeys.json.items.find((j) => j.name === '新客四步关怀');
  assert.ok(created, journeys.text);
  assert.equal(created.trigger, 'manual');
  assert.equal(created.enabled, true);
  assert.deepEqual(created.steps.map((s) => [s.day_offset, s.channel, s.title]), [
    [0, 'face_to_face', '欢迎致谢，赠送贵宾卡'],
    [7, 'phone', '问候回访'],
    [20, 'wechat', '发送使用指南'],
    [38, 'sms', '专属优惠'],
  ]);
});

test('a rep adds a customer to the manual journey and takes them out', async () => {
  const c = await env.api('wang')('POST', '/api/v1/customers', { name: '旅程测试客户', kind: 'organization' });
  assert.equal(c.status, 201, c.text);
  await withPage('wang', 'journeys-customer', async (page) => {
    await page.goto(`${env.baseUrl}/customers/${c.json.id}`);
    const card = page.getByTestId('customer-journeys');
    await card.getByText('未参加任何关怀旅程').waitFor();
    await pickOption(page, '加入手动旅程', '新客四步关怀');
    await page.getByTestId('journey-enroll').click();
    await card.getByText('新客四步关怀').waitFor();
    await card.getByText('进行中').waitFor();
    // The card alone: other cards of the customer page are not this test's subject.
    const axe = await new AxeBuilder({ page }).include('[data-testid="customer-journeys"]').analyze();
    assert.deepEqual(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id), []);
    await card.getByRole('button', { name: '退出旅程' }).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '退出旅程' }).click();
    await card.getByText('已退出').waitFor();
    await card.getByText('退出原因：客户拒绝').waitFor();
  });
  const list = await env.api('wang')('GET', `/api/v1/customers/${c.json.id}/journeys`);
  assert.deepEqual(list.json.items.map((e) => [e.journey_name, e.status, e.left_reason]), [['新客四步关怀', 'left', 'opt_out']]);
});
