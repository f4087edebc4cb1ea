// Administration, API tokens and contacts through the browser.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expectCount, login, newPage, pickOption, setUp } from './harness.mjs';

let env;
let customerId;

before(async () => {
  env = await setUp();
  const res = await env.api('wang')('POST', '/api/v1/customers', { kind: 'individual', name: '刘女士', province: '上海市' });
  assert.equal(res.status, 201, res.text);
  customerId = res.json.id;
});

after(async () => {
  await env?.close();
});

test('admin creates a team and a user; the user logs in; a disabled user cannot', { timeout: 60_000 }, async () => {
  const page = await newPage(env);
  await login(page, env, 'admin');
  await page.getByRole('navigation').getByRole('menuitem', { name: '系统管理' }).click();

  await page.getByRole('tab', { name: '团队' }).click();
  await page.getByTestId('new-team').click();
  const teamForm = page.locator('.ant-modal-content').filter({ hasText: '新建团队' });
  await teamForm.getByLabel('团队名称').fill('华南');
  await pickOption(page, '团队经理', 'zhang');
  await teamForm.getByRole('button', { name: '保存' }).click();
  await page.getByRole('cell', { name: '华南', exact: true }).waitFor();

  await page.getByRole('tab', { name: '用户' }).click();
  await page.getByTestId('new-user').click();
  const userForm = page.locator('.ant-modal-content').filter({ hasText: '新建用户' });
  await userForm.getByLabel('登录名').fill('zhao');
  await userForm.getByLabel('显示名称').fill('赵六');
  await pickOption(page, '团队', '华南');
  await userForm.getByLabel('密码').fill('short');
  await userForm.getByRole('button', { name: '保存' }).click();
  await userForm.getByText('密码至少 8 个字符').waitFor(); // client-side rule
  await userForm.getByLabel('密码').fill('zhao-password-1');
  await userForm.getByRole('button', { name: '保存' }).click();
  await page.getByRole('cell', { name: '赵六', exact: true }).waitFor();

  // A duplicate login: the server's 409 field error lands on the login field.
  await page.getByTestId('new-user').click();
  await userForm.getByLabel('登录名').fill('zhao');
  await userForm.getByLabel('密码').fill('zhao-password-1');
  await userForm.getByRole('button', { name: '保存' }).click();
  const loginItem = userForm.locator('.ant-form-item').filter({ has: page.getByLabel('登录名') });
  await loginItem.locator('.ant-form-item-explain-error').first().waitFor();
  await userForm.getByRole('button', { name: '取消' }).click();

  // The new user can log in and sees the team in "my account".
  const zhao = await newPage(env);
  await login(zhao, env, 'zhao', 'zhao-password-1');
  await zhao.getByRole('link', { name: /^我的账户/ }).click();
  await zhao.getByRole('cell', { name: '华南', exact: true }).waitFor();
  await zhao.context().close();

  // Disable them: their next log-in fails with the server's message.
  await page.getByRole('button', { name: '停用 zhao' }).click();
  await page.locator('.ant-popover').getByRole('button', { name: '确定' }).click();
  await page.getByRole('button', { name: '启用 zhao' }).waitFor();
  const again = await newPage(env);
  await again.goto(env.baseUrl + '/login');
  await again.getByLabel('登录名').fill('zhao');
  await again.getByLabel('密码').fill('zhao-password-1');
  await again.getByRole('button', { name: '登录', exact: true }).click();
  await again.getByTestId('login-error').waitFor();
  assert.match(await again.getByTestId('login-error').textContent(), /登录失败/);
  await again.context().close();
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});

test('API tokens: create (shown once), list, revoke', { timeout: 30_000 }, async () => {
  const page = await newPage(env);
  await login(page, env, 'wang');
  await page.goto(env.baseUrl + '/account');
  await page.getByTestId('new-token').click();
  await page.getByLabel('令牌名称').fill('ERP 同步');
  await page.getByRole('button', { name: '新建', exact: true }).click();
  const token = (await page.getByTestId('new-token-value').textContent()).trim();
  assert.ok(token.length >= 16, token);
  await page.getByRole('button', { name: '关闭', exact: true }).click();
  await page.getByRole('cell', { name: 'ERP 同步', exact: true }).waitFor();

  // The token works for the API, until it is revoked.
  const api = (await import('../lib/server.mjs')).apiClient(env.baseUrl, token);
  assert.equal((await api('GET', '/api/v1/customers')).status, 200);
  await page.getByRole('button', { name: '吊销 ERP 同步' }).click();
  await page.locator('.ant-popover').getByRole('button', { name: '吊销' }).click();
  await page.getByText('令牌已吊销').waitFor();
  await expectCount(page.getByRole('cell', { name: 'ERP 同步', exact: true }), 0);
  assert.equal((await api('GET', '/api/v1/customers')).status, 401);
  await page.context().close();
});

test('contacts: add, edit, delete; archive and restore the customer', { timeout: 45_000 }, async () => {
  const page = await newPage(env);
  await login(page, env, 'wang');
  await page.goto(`${env.baseUrl}/customers/${customerId}`);
  await page.getByTestId('add-contact').click();
  const add = page.locator('.ant-modal-content').filter({ hasText: '添加联系人' });
  await add.getByLabel('姓名').fill('刘小姐');
  await add.getByLabel('生日').fill('02-30');
  await add.getByRole('button', { name: '保存' }).click();
  await add.locator('.ant-form-item-explain-error').first().waitFor(); // not a real day
  await add.getByLabel('生日').fill('03-15');
  await pickOption(page, '性格类型', 'C 关系型');
  await add.getByRole('button', { name: '保存' }).click();
  const table = page.getByTestId('contacts-table');
  await table.getByRole('cell', { name: '刘小姐', exact: true }).waitFor();
  await table.getByRole('cell', { name: 'C 关系型', exact: true }).waitFor();

  await page.getByRole('button', { name: '编辑 刘小姐' }).click();
  const edit = page.locator('.ant-modal-content').filter({ hasText: '编辑联系人' });
  await edit.getByLabel('职务').fill('财务总监');
  await edit.getByRole('button', { name: '保存' }).click();
  await table.getByRole('cell', { name: '财务总监', exact: true }).waitFor();

  await page.getByRole('button', { name: '删除 刘小姐' }).click();
  await page.locator('.ant-popover').getByRole('button', { name: '删除' }).click();
  await table.getByText('暂无联系人').waitFor();

  await page.getByTestId('archive-customer').click();
  await page.getByText('该客户已归档').waitFor();
  await page.goto(env.baseUrl + '/customers');
  await page.getByText('没有符合条件的客户').waitFor(); // the list hides archived customers
  await pickOption(page, '归档状态', '已归档');
  await page.getByRole('link', { name: '刘女士' }).click();
  await page.getByTestId('archive-customer').click(); // now "恢复"
  await page.getByText('客户已恢复').waitFor();
  assert.deepEqual(page.pageErrors, []);
  await page.context().close();
});
