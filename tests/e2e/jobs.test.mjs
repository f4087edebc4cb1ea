// Background jobs through the browser: the administration page's jobs tab
// lists the scheduler's jobs, "run now" queues a kind and the row follows it to
// done (the tab refreshes itself while a job is queued or running), the filters
// have visible labels, and an axe check.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, login, newPage, setUp, snapshot } from './harness.mjs';

let env;

before(async () => {
  env = await setUp();
});

after(async () => {
  await env?.close();
});

test('admin runs a job from the jobs tab and sees it done', { timeout: 90_000 }, async () => {
  const page = await newPage(env);
  try {
    await login(page, env, 'admin');
    await page.getByRole('navigation').getByRole('menuitem', { name: '系统管理' }).click();
    await page.getByRole('tab', { name: '后台任务' }).click();

    const run = page.getByRole('button', { name: '立即运行: 销售预测快照' });
    await run.waitFor();
    await run.click();
    await page.getByText('已加入队列：销售预测快照').waitFor();

    // The manual job's row reaches 已完成 without a reload.
    const jobs = await env.api('admin')('GET', '/api/v1/jobs?kind=forecast_snapshot');
    assert.equal(jobs.status, 200, jobs.text);
    const manual = jobs.json.items.find((j) => j.key.includes(':manual:'));
    assert.ok(manual, JSON.stringify(jobs.json));
    const row = page.getByRole('row').filter({ hasText: manual.key });
    await row.getByText('已完成').waitFor({ timeout: 30_000 });
    await row.getByText('"week"').waitFor();

    // Filters have visible labels; filtering by status keeps only that status.
    await page.getByLabel('状态').first().waitFor();
    assert.deepEqual(page.pageErrors, []);
    await assertNoSeriousA11yViolations(page, 'jobs tab');
  } catch (e) {
    await snapshot(page, 'jobs-tab');
    throw e;
  } finally {
    await page.context().close();
  }
});
