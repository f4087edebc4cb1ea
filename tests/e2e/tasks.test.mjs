// Tasks and 「我的一天」 through the browser — the flow: a return-visit plan
// (战略客户每月回访, every 30 days) and a phone call logged with a follow-up due today
// through the API; the rep opens 我的一天 from the navigation (badge), finds the
// follow-up under 今天 and completes it with a note in the UI; completing a return
// visit schedules the next one at completed day + 30. Also: the open-tasks card on
// the customer page creates a task, and a manager picks a member's day with the
// labelled selector; axe checks the page.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, expectCount, login, newPage, pickOption, setUp, snapshot } from './harness.mjs';

let env;
let customer;

function shanghaiDay(days = 0) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

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
  customer = await ok(await env.api('wang')('POST', '/api/v1/customers', { name: '远航科技有限公司', kind: 'organization' }), 201);
});

after(async () => {
  await env?.close();
});

test('the follow-up of a logged call shows under 今天 and is completed in the UI', async () => {
  await ok(await env.api('zhang')('POST', '/api/v1/visit-plans', {
    name: '战略客户每月回访', class_kind: 'all', class_value: '', interval_days: 30, task_title: '回访', position: 1,
  }), 201);
  const logged = await ok(await env.api('wang')('POST', '/api/v1/interactions', {
    customer_id: customer.id, channel: 'phone', direction: 'outbound', summary: '电话沟通年度采购计划',
    follow_up: { title: '发送年度报价单', due_day: shanghaiDay(0) },
  }), 201);
  const followUp = logged.follow_up_task;
  assert.equal(followUp.origin, 'interaction');
  assert.equal(followUp.assignee_user_id !== null, true);

  await withPage('wang', 'tasks-my-day', async (page) => {
    const nav = page.getByRole('navigation', { name: '主导航' });
    await nav.getByTestId('my-day-badge').waitFor();
    await nav.getByRole('link', { name: /我的一天/ }).click();
    await page.waitForURL(/\/my-day$/);
    await page.getByRole('heading', { level: 1, name: '我的一天' }).waitFor();
    const today = page.getByTestId('my-day-due_today');
    await today.getByRole('heading', { name: '今天 (1)' }).waitFor();
    const row = today.getByRole('row').filter({ hasText: '发送年度报价单' });
    await row.getByRole('link', { name: '远航科技有限公司' }).waitFor();
    await row.getByText('跟进', { exact: true }).waitFor();
    await row.getByText('互动跟进').waitFor();
    await assertNoSeriousA11yViolations(page, 'my day');
    await row.getByRole('button', { name: /完成/ }).click();
    await page.getByLabel('完成备注（可选）').fill('报价单已通过邮件发送');
    await page.getByTestId('task-complete-ok').click();
    await page.getByText('任务已完成').waitFor();
    await today.getByRole('heading', { name: '今天 (0)' }).waitFor();
    await expectCount(today.getByRole('row').filter({ hasText: '发送年度报价单' }), 0);
  });
  const done = await ok(await env.api('wang')('GET', `/api/v1/tasks/${followUp.id}`));
  assert.equal(done.status, 'done');
  assert.equal(done.completion_note, '报价单已通过邮件发送');
  const reminders = await ok(await env.api('wang')('GET', '/api/v1/tasks/reminders'));
  assert.deepEqual(reminders, { overdue: 0, due_today: 0 });
});

test('completing a return visit schedules the next at completed day + 30', async () => {
  const visit = await ok(await env.api('wang')('POST', '/api/v1/tasks', {
    customer_id: customer.id, title: '回访', kind: 'return_visit', due_day: shanghaiDay(0),
  }), 201);
  await ok(await env.api('wang')('POST', `/api/v1/tasks/${visit.id}/complete`, { note: '客户满意' }, { 'If-Match': '"1"' }));
  const open = await ok(await env.api('wang')('GET',
    `/api/v1/tasks?customer_id=${customer.id}&kind=return_visit&status=open`));
  assert.equal(open.items.length, 1, JSON.stringify(open.items));
  assert.equal(open.items[0].due_day, shanghaiDay(30));
  assert.equal(open.items[0].origin, 'visit_plan');
  assert.equal(open.items[0].title, '回访');
});

test('the customer page card creates a task; a manager picks a member\'s day', async () => {
  await withPage('wang', 'tasks-card', async (page) => {
    await page.goto(`${env.baseUrl}/customers/${customer.id}`);
    const card = page.getByTestId('customer-tasks');
    await card.getByRole('heading', { name: '待办任务' }).waitFor();
    await card.getByTestId('customer-task-new').click();
    const dialog = page.getByRole('dialog', { name: '新建任务' });
    await dialog.getByLabel('标题').fill('准备续约合同');
    await dialog.getByLabel('到期日').fill(shanghaiDay(2));
    await pickOption(page, '优先级', '高');
    await dialog.getByRole('button', { name: '保存' }).click();
    await page.getByText('任务已创建').waitFor();
    await card.getByRole('row').filter({ hasText: '准备续约合同' }).getByText('高').waitFor();
  });
  await withPage('zhang', 'tasks-manager', async (page) => {
    await page.goto(`${env.baseUrl}/my-day`);
    await page.getByRole('heading', { level: 1, name: '我的一天' }).waitFor();
    await pickOption(page, '查看', '成员：wang');
    const upcoming = page.getByTestId('my-day-upcoming');
    await upcoming.getByRole('row').filter({ hasText: '准备续约合同' }).waitFor();
    await pickOption(page, '查看', '我的团队');
    await upcoming.getByRole('row').filter({ hasText: '准备续约合同' }).getByText('wang').waitFor();
    await assertNoSeriousA11yViolations(page, 'my day (manager)');
  });
});
