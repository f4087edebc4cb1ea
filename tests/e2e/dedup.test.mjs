// Duplicate customers through the browser (issue 6): two duplicates with
// orders, tasks, contacts and interactions are found on 「重复客户」 (linked from the customer
// list), merged after a confirmation, the survivor's page shows all their
// history, and 「撤销」 in the recent merges restores both.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, expectCount, login, newPage, setUp, snapshot } from './harness.mjs';

let env;
const ids = {};
const DAY_MS = 86400 * 1000;
const shanghaiDay = (offset = 0) =>
  new Date(Date.now() + 8 * 3600 * 1000 + offset * DAY_MS).toISOString().slice(0, 10);

async function ok(res, status = 200) {
  assert.equal(res.status, status, res.text);
  return res.json;
}

before(async () => {
  env = await setUp();
  const admin = env.api('admin');
  const a = await ok(await admin('POST', '/api/v1/customers',
    { kind: 'organization', name: '重复测试科技', phone: '+862188880000' }), 201);
  const b = await ok(await admin('POST', '/api/v1/customers',
    { kind: 'organization', name: '上海重復測試科技有限公司', phone: '+862188880000', industry: '制造' }), 201);
  ids.a = a.id;
  ids.b = b.id;
  for (const [id, contact, total] of [[a.id, '赵敏', 120000], [b.id, '周芷若', 340000]]) {
    await ok(await admin('POST', '/api/v1/contacts', { customer_id: id, name: contact }), 201);
    await ok(await admin('POST', '/api/v1/orders', { customer_id: id, ordered_at: shanghaiDay(-5), total }), 201);
    await ok(await admin('POST', '/api/v1/tasks', { customer_id: id, title: `回访${contact}`, due_day: shanghaiDay(3) }), 201);
    await ok(await admin('POST', '/api/v1/interactions',
      { customer_id: id, channel: 'phone', direction: 'outbound', subject: `电话拜访${contact}` }), 201);
  }
});

after(async () => {
  await env?.close();
});

test('merge two duplicates in the UI, find their history on the survivor, undo', async () => {
  const page = await newPage(env);
  try {
    await login(page, env, 'admin');
    // The customer page points at its possible duplicates.
    await page.goto(`${env.baseUrl}/customers/${ids.b}`);
    await page.getByTestId('duplicates-hint').getByRole('link', { name: '查看并合并' }).click();
    await page.getByTestId(`dup-pair-${ids.a}-${ids.b}`).waitFor();
    await page.goto(env.baseUrl + '/customers');
    await page.getByTestId('duplicates-link').click();
    await page.getByRole('heading', { level: 1, name: '重复客户' }).waitFor();
    const pair = page.getByTestId(`dup-pair-${ids.a}-${ids.b}`);
    await pair.waitFor();
    await pair.getByText('电话相同').waitFor();
    await pair.getByText('名称相似').waitFor();
    await assertNoSeriousA11yViolations(page, 'duplicates');
    await page.getByTestId(`dup-keep-${ids.a}`).check();
    await page.getByTestId(`dup-merge-${ids.a}-${ids.b}`).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '合并' }).click();
    await page.getByText('已将 上海重復測試科技有限公司 合并到 重复测试科技').waitFor();
    await pair.waitFor({ state: 'detached' });

    await page.goto(`${env.baseUrl}/customers/${ids.a}`);
    await page.getByTestId('customer-title').waitFor();
    await expectCount(page.getByTestId('customer-orders').locator('tbody tr.ant-table-row'), 2);
    const contacts = page.getByTestId('contacts-table');
    await contacts.getByText('周芷若', { exact: true }).waitFor();
    await contacts.getByText('赵敏', { exact: true }).waitFor();
    // Both customers' interactions are on the survivor's timeline.
    await page.getByTestId('customer-timeline').getByText('电话拜访周芷若').waitFor();
    await page.getByTestId('customer-timeline').getByText('电话拜访赵敏').waitFor();
    const tasks = await ok(await env.api('admin')('GET', `/api/v1/tasks?customer_id=${ids.a}`));
    assert.equal(tasks.items.length, 2);
    const merged = await ok(await env.api('admin')('GET', `/api/v1/customers/${ids.b}`));
    assert.equal(merged.archived, true);

    await page.goto(`${env.baseUrl}/duplicates`);
    await page.getByRole('heading', { level: 1, name: '重复客户' }).waitFor();
    const merges = await ok(await env.api('admin')('GET', '/api/v1/merges'));
    const mergeId = merges.items[0].id;
    await page.getByTestId(`merge-undo-${mergeId}`).click();
    await page.locator('.ant-popconfirm').getByRole('button', { name: '撤销' }).click();
    await page.getByText('已撤销合并').waitFor();
    assert.deepEqual(page.pageErrors, []);
  } catch (e) {
    await snapshot(page, 'dedup');
    throw e;
  } finally {
    await page.context().close();
  }
  const restored = await ok(await env.api('admin')('GET', `/api/v1/customers/${ids.b}`));
  assert.equal(restored.archived, false);
  const orders = await ok(await env.api('admin')('GET', `/api/v1/orders?customer_id=${ids.b}`));
  assert.equal(orders.items.length, 1);
  const survivor = await ok(await env.api('admin')('GET', `/api/v1/customers/${ids.a}`));
  assert.equal(survivor.industry, '');
});
