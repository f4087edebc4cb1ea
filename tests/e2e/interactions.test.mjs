// The customer timeline card through the browser: a rep logs a WeChat call in two
// clicks (「记录互动」, then 「保存」) and it appears at the top of the timeline with
// its follow-up task; the last channel is remembered; the kind filter and "load
// more" page through older entries; and an axe check of the card.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import AxeBuilder from '@axe-core/playwright';
import { expectCount, expectText, login, newPage, pickOption, setUp, snapshot } from './harness.mjs';

let env;
let customerId;

async function ok(res, status = 200) {
  assert.equal(res.status, status, res.text);
  return res.json;
}

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
  const users = await ok(await env.api('admin')('GET', '/api/v1/users'));
  const wang = users.items.find((u) => u.login === 'wang');
  customerId = (await ok(await env.api('admin')('POST', '/api/v1/customers',
    { kind: 'organization', name: '时间线测试公司', owner_user_id: wang.id }), 201)).id;
  const now = Math.floor(Date.now() / 1000);
  // 25 older calls: more than one page (20) of the timeline.
  for (let k = 0; k < 25; k++) {
    await ok(await env.api('wang')('POST', '/api/v1/interactions', {
      customer_id: customerId, channel: 'email', direction: 'inbound', at: now - 86400 * (k + 1), subject: `旧邮件${k}`,
    }), 201);
  }
});

after(async () => {
  await env?.close();
});

test('quick log in two clicks appears at the top of the timeline', async () => {
  await withPage('wang', 'timeline-log', async (page) => {
    await page.goto(`${env.baseUrl}/customers/${customerId}`);
    const card = page.getByTestId('customer-timeline');
    await expectCount(card.getByTestId('timeline-entry'), 20);
    await card.getByRole('button', { name: '记录互动' }).click();  // click 1
    const form = page.getByTestId('timeline-log-form');
    await expectText(form.locator('.ant-select-selection-item').first(), '电话');
    await form.getByLabel('内容摘要').fill('微信确认了报价');
    await form.getByLabel('跟进事项').fill('寄送样品');
    const due = new Date(Date.now() + 8 * 3600_000 + 2 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('跟进日期').fill(due);
    await form.getByRole('button', { name: '保存' }).click();  // click 2
    await page.getByText('互动已记录，并创建了跟进任务').waitFor();
    const first = card.getByTestId('timeline-entry').first();
    await first.getByText('微信确认了报价', { exact: true }).waitFor();
    await first.getByText('电话', { exact: true }).waitFor();
    // The follow-up task was created in the same second: it is an entry of its own.
    await card.getByTestId('timeline-entry').filter({ hasText: '寄送样品' }).first().getByText('任务', { exact: true }).waitFor();
    // The timeline card with its open form (other cards of the page have their own suites).
    await card.getByRole('button', { name: '记录互动' }).click();
    await page.getByTestId('timeline-log-form').waitFor();
    const axe = await new AxeBuilder({ page }).include('[data-testid="customer-timeline"]').analyze();
    const bad = axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), []);
  });
});

test('the kind filter and load more page through older entries', async () => {
  await withPage('wang', 'timeline-filter', async (page) => {
    await page.goto(`${env.baseUrl}/customers/${customerId}`);
    const card = page.getByTestId('customer-timeline');
    await expectCount(card.getByTestId('timeline-entry'), 20);
    await card.getByTestId('timeline-more').click();
    await expectCount(card.getByTestId('timeline-entry'), 27);
    await card.getByTestId('timeline-entry').last().getByText('旧邮件24', { exact: true }).waitFor();
    await pickOption(page, '类型', '任务');
    await expectCount(card.getByTestId('timeline-entry'), 1);
    await card.getByTestId('timeline-entry').first().getByText('寄送样品', { exact: true }).waitFor();
  });
});
