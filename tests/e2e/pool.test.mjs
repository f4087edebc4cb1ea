// The public pool (/pool, 公海) through the browser: a rep claims a customer
// (the holding tag counts it), a manager selects rows and assigns them to a team
// member, the customer page's transfer, the nav staying on one line at 1366 px,
// and an axe check.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, expectText, login, newPage, pickOption, setUp, snapshot } from './harness.mjs';

let env;
const ids = {};

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
  const admin = env.api('admin');
  for (const name of ['公海甲公司', '公海乙公司', '公海丙公司']) {
    ids[name] = (await ok(await admin('POST', '/api/v1/customers', { kind: 'organization', name, owner_user_id: null }), 201)).id;
  }
  const users = await ok(await admin('GET', '/api/v1/users'));
  for (const u of users.items) ids[u.login] = u.id;
});

after(async () => {
  await env?.close();
});

test('a rep claims a pool customer; the holding tag counts it', async () => {
  await withPage('wang', 'pool-claim', async (page) => {
    // The entry sits in the 「销售设置」 submenu (a top-level one would wrap the admin's English menu).
    await page.getByRole('navigation', { name: '主导航' }).getByText('销售设置').hover();
    await page.getByRole('link', { name: '公海', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: '公海客户' }).waitFor();
    await expectText(page.getByTestId('pool-holding'), '已持有 0 / 上限 100');
    await page.getByTestId(`pool-claim-${ids['公海甲公司']}`).click();
    await expectText(page.getByTestId('pool-holding'), '已持有 1 / 上限 100');
    await page.getByRole('link', { name: '公海甲公司' }).waitFor({ state: 'detached' });
    await assertNoSeriousA11yViolations(page, 'pool');
    // In English too the menu stays on one line, clear of the user/language/logout group.
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Public pool' }).waitFor();
    const items = await page.locator('.gx-nav .ant-menu-root > li').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    const right = await page.locator('.gx-header-right').boundingBox();
    assert.ok(items.every((r) => r.top === items[0].top), `one line: ${JSON.stringify(items)}`);
    const last = items[items.length - 1];
    assert.ok(last.right <= right.x, `menu ends at ${last.right}, the right group starts at ${right.x}`);
  });
  const c = await ok(await env.api('wang')('GET', `/api/v1/customers/${ids['公海甲公司']}`));
  assert.equal(c.owner_user_id, ids.wang);
});

test('a manager selects rows and assigns them to a member', async () => {
  await withPage('zhang', 'pool-assign', async (page) => {
    await page.goto(env.baseUrl + '/pool');
    await page.getByRole('heading', { level: 1, name: '公海客户' }).waitFor();
    await page.getByRole('checkbox', { name: '公海乙公司' }).check();
    await page.getByRole('checkbox', { name: '公海丙公司' }).check();
    await pickOption(page, '分配给', 'li');
    await page.getByTestId('pool-assign').click();
    await page.getByText('已分配 2 位客户').waitFor();
    await page.getByRole('heading', { level: 2, name: '回收规则' }).waitFor();
    await assertNoSeriousA11yViolations(page, 'pool (manager)');
  });
  for (const name of ['公海乙公司', '公海丙公司']) {
    const c = await ok(await env.api('li')('GET', `/api/v1/customers/${ids[name]}`));
    assert.equal(c.owner_user_id, ids.li);
  }
});

test('the customer page transfers a customer to another member', async () => {
  await withPage('zhang', 'transfer', async (page) => {
    await page.goto(env.baseUrl + `/customers/${ids['公海乙公司']}`);
    await page.getByTestId('transfer-customer').click();
    await pickOption(page, '转移给', 'wang');
    await page.getByRole('button', { name: '转移', exact: true }).click();
    // Wait for the result rather than the success toast, which a slow run can miss.
    await page.getByRole('dialog').waitFor({ state: 'hidden', timeout: 20_000 });
  });
  let c;
  for (let i = 0; i < 50; ++i) {
    c = await ok(await env.api('wang')('GET', `/api/v1/customers/${ids['公海乙公司']}`));
    if (c.owner_user_id === ids.wang) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(c.owner_user_id, ids.wang);
});

test('with the most entries (admin), in English, the nav stays on one line at 1366 px', async () => {
  await withPage('admin', 'pool-nav', async (page) => {
    await page.goto(env.baseUrl + '/pool');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Public pool' }).waitFor();
    const items = await page.locator('.gx-nav .ant-menu-root > li').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON()));
    const right = await page.locator('.gx-header-right').boundingBox();
    assert.ok(items.every((r) => r.top === items[0].top), `one line: ${JSON.stringify(items)}`);
    assert.ok(items[items.length - 1].right <= right.x, `menu ends at ${items[items.length - 1].right}, the right group starts at ${right.x}`);
  });
});
