// Language switch, role-dependent UI, and accessibility (axe) of the main pages.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, detailField, expectText, login, newPage, setUp } from './harness.mjs';

let env;
let customerId;

before(async () => {
  env = await setUp();
  const api = env.api('wang');
  const res = await api('POST', '/api/v1/customers', {
    kind: 'organization', name: '苏州园林景观设计有限公司', province: '江苏', city: '苏州', source: 'referral',
    relationship: 'current', lifecycle_stage: 'stability', tags: ['VIP', '园林'], phone: '13812345678',
    care_dates: [{ kind: 'anniversary', label: '合作纪念日', date: '2020-06-18' }], notes: '重点客户，季度回访',
  });
  assert.equal(res.status, 201, res.text);
  customerId = res.json.id;
  const contact = await api('POST', '/api/v1/contacts', { customer_id: customerId, name: '陈经理', title: '采购经理', phone: '13912345678', personality: 'relational' });
  assert.equal(contact.status, 201, contact.text);
});

after(async () => {
  await env?.close();
});

test('switching to English changes the visible strings and persists across reload', { timeout: 45_000 }, async () => {
  const page = await newPage(env);
  await login(page, env, 'admin');
  const nav = page.getByRole('navigation');
  await nav.getByRole('menuitem', { name: '客户', exact: true }).waitFor();
  await page.getByRole('columnheader', { name: '客户名称' }).waitFor();
  await page.getByRole('cell', { name: '现实客户', exact: true }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');

  await page.getByTestId('lang-switch').click();
  const expectEnglish = async () => {
    await page.getByRole('heading', { level: 1, name: 'Customers' }).waitFor();
    await nav.getByRole('menuitem', { name: 'Customers' }).waitFor();
    await nav.getByRole('menuitem', { name: 'Administration' }).waitFor();
    for (const h of ['Name', 'Kind', 'Owner', 'Relationship', 'Lifecycle stage', 'Tags', 'Updated']) {
      await page.getByRole('columnheader', { name: h, exact: true }).waitFor();
    }
    await page.getByRole('cell', { name: 'Current customer', exact: true }).waitFor();
    await page.getByRole('cell', { name: 'Stability', exact: true }).waitFor();
    await page.getByRole('button', { name: 'New customer' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).waitFor();
    assert.equal(await page.getByText('客户列表').count(), 0);
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  };
  await expectEnglish();
  await page.reload();
  await expectEnglish();

  // The detail page too, including translated vocabularies.
  await page.goto(`${env.baseUrl}/customers/${customerId}`);
  await expectText(detailField(page, 'source'), 'Customer referral');
  await expectText(detailField(page, 'lifecycle_stage'), 'Stability');
  await page.getByRole('heading', { name: 'Contacts' }).waitFor();

  await page.getByTestId('lang-switch').click();
  await expectText(detailField(page, 'source'), '老客户推荐');
  await page.getByRole('heading', { name: '联系人' }).waitFor();
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});

test('a sales user does not see the admin menu; read-only roles see no edit buttons', { timeout: 45_000 }, async () => {
  const sales = await newPage(env);
  await login(sales, env, 'wang');
  const nav = sales.getByRole('navigation');
  await nav.getByRole('menuitem', { name: '客户', exact: true }).waitFor();
  assert.equal(await nav.getByRole('menuitem', { name: '系统管理' }).count(), 0);
  assert.equal(await sales.getByText('系统管理').count(), 0);
  await expectText(sales.getByTestId('current-role'), '销售');
  await sales.getByRole('button', { name: '新建客户' }).waitFor();
  await sales.goto(`${env.baseUrl}/admin`);
  await sales.getByText('只有管理员可以访问此页面').waitFor();
  await sales.context().close();

  const service = await newPage(env);
  await login(service, env, 'kefu');
  await expectText(service.getByTestId('current-role'), '客服');
  assert.equal(await service.getByRole('navigation').getByRole('menuitem', { name: '系统管理' }).count(), 0);
  assert.equal(await service.getByRole('button', { name: '新建客户' }).count(), 0);
  await service.goto(`${env.baseUrl}/customers/${customerId}`);
  await expectText(detailField(service, 'name'), '苏州园林景观设计有限公司');
  assert.equal(await service.getByTestId('edit-customer').count(), 0);
  assert.equal(await service.getByTestId('add-contact').count(), 0);
  await service.getByText('只读').waitFor();
  await service.context().close();

  const admin = await newPage(env);
  await login(admin, env, 'admin');
  await admin.getByRole('navigation').getByRole('menuitem', { name: '系统管理' }).click();
  await admin.getByRole('heading', { level: 1, name: '系统管理' }).waitFor();
  await admin.getByRole('cell', { name: 'wang', exact: true }).first().waitFor();
  await admin.context().close();
});

test('axe: no serious or critical violations on the login, list and detail pages', { timeout: 60_000 }, async () => {
  const page = await newPage(env);
  await page.goto(env.baseUrl + '/login');
  await page.getByLabel('登录名').waitFor();
  await assertNoSeriousA11yViolations(page, 'login');

  // A failed login shows the server's message, and the page stays accessible.
  await page.getByLabel('登录名').fill('admin');
  await page.getByLabel('密码').fill('wrong-password');
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.getByTestId('login-error').waitFor();
  await assertNoSeriousA11yViolations(page, 'login (with error)');

  await login(page, env, 'admin');
  await page.getByRole('link', { name: '苏州园林景观设计有限公司' }).waitFor();
  await assertNoSeriousA11yViolations(page, 'customer list');

  await page.getByRole('link', { name: '苏州园林景观设计有限公司' }).click();
  await expectText(detailField(page, 'name'), '苏州园林景观设计有限公司');
  await page.getByRole('cell', { name: '陈经理', exact: true }).waitFor();
  await assertNoSeriousA11yViolations(page, 'customer detail');

  await page.getByTestId('edit-customer').click();
  await page.locator('.ant-drawer-content').filter({ hasText: '编辑客户' }).getByLabel('客户名称').waitFor();
  await assertNoSeriousA11yViolations(page, 'customer edit form');
  await page.context().close();
});
