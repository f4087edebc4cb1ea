// Customer value (/analytics) through the browser, on a server seeded with demo data:
// the empty state and its recompute button, the figures the page shows against the
// API (RFM classes, tiers, customer equity, the churn list), a one-click churn
// follow-up task, the customer list's RFM-class filter, the customer page's metrics
// card with its recommended products, and an axe check.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';
import { addUser, apiClient, cli, createToken, startServer, tempDb } from '../lib/server.mjs';
import { assertNoSeriousA11yViolations, CHROMIUM_ARGS, checkPrerequisites, expectText, login, newPage, PASSWORD, pickOption, snapshot } from './harness.mjs';

const CLASS_ZH = {
  important_value: '重要价值客户',
  important_development: '重要发展客户',
  important_retention: '重要保持客户',
  important_win_back: '重要挽留客户',
  general_value: '一般价值客户',
  general_development: '一般发展客户',
  general_retention: '一般保持客户',
  general_win_back: '一般挽留客户',
};

let env;

/** The UI's money format: fen → "¥1,234.50". */
function formatFen(fen) {
  const abs = Math.abs(Math.round(fen));
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

function shanghaiDay(days) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

async function ok(res, status = 200) {
  assert.equal(res.status, status, res.text);
  return res.json;
}

/** Runs `fn` with a fresh page logged in as `loginName`; a screenshot on failure. */
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
  checkPrerequisites();
  const tmp = tempDb();
  // Demo users (admin, managers, reps, the analyst sun.yang) and their customers'
  // orders: enough history for every model, small enough to stay quick.
  cli(['demo', '--db', tmp.db, '--customers', '200', '--orders', '1600', '--opportunities', '10', '--password-stdin'], PASSWORD);
  const tokens = { admin: createToken(tmp.db, 'admin'), analyst: createToken(tmp.db, 'sun.yang') };
  const server = await startServer({ db: tmp.db });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  env = {
    baseUrl: server.baseUrl,
    api: (who) => apiClient(server.baseUrl, tokens[who]),
    async close() {
      await browser.close().catch(() => {});
      await server.stop();
      tmp.cleanup();
    },
    browser,
  };
});

after(async () => {
  await env?.close();
});

test('before the first run: an explanation and the recompute button, which runs the models', { timeout: 60_000 }, async () => {
  // A store without orders gets no run at start (demo data does): the empty state.
  const tmp = tempDb();
  addUser(tmp.db, 'admin', 'admin', PASSWORD);
  const token = createToken(tmp.db, 'admin');
  const server = await startServer({ db: tmp.db });
  const api = apiClient(server.baseUrl, token);
  const page = await newPage(env);
  try {
    assert.equal((await api('GET', '/api/v1/analytics/runs/latest')).status, 404);
    await login(page, { baseUrl: server.baseUrl }, 'admin');
    await page.goto(server.baseUrl + '/analytics');
    await page.getByRole('heading', { level: 1, name: '客户价值分析' }).waitFor();
    await page.getByTestId('analytics-empty').getByText('尚未计算客户价值').waitFor();
    await assertNoSeriousA11yViolations(page, 'analytics (empty)');
    await page.getByTestId('analytics-empty').getByTestId('recompute').click();
    await page.getByTestId('rfm-class-table').waitFor({ timeout: 30_000 });
    const run = await ok(await api('GET', '/api/v1/analytics/runs/latest'));
    assert.equal(run.trigger, 'manual');
    await page.getByTestId('last-run').getByText(`截至 ${run.as_of}`).waitFor();
    assert.deepEqual(page.pageErrors, []);
  } catch (e) {
    await snapshot(page, 'analytics-empty');
    throw e;
  } finally {
    await page.context().close();
    await server.stop();
    tmp.cleanup();
  }
});

test('the RFM classes, tiers and customer equity shown equal the run report', { timeout: 60_000 }, async () => {
  const run = await ok(await env.api('analyst')('POST', '/api/v1/analytics/runs'), 201);
  const latest = await ok(await env.api('admin')('GET', '/api/v1/analytics/runs/latest'));
  assert.equal(latest.id, run.id);
  const classes = latest.report.rfm.classes;
  assert.equal(classes.length, 8);
  const buyers = classes.reduce((s, c) => s + c.count, 0);
  assert.ok(buyers > 0, 'the demo data has buyers');

  await withPage('admin', 'analytics-report', async (page) => {
    await page.goto(env.baseUrl + '/analytics');
    for (const c of classes) await expectText(page.getByTestId(`rfm-count-${c.key}`), String(c.count));
    await page.getByTestId('rfm-class-chart').locator('canvas').first().waitFor();
    await page.getByTestId('rfm-heatmap').locator('canvas').first().waitFor();

    await page.getByRole('tab', { name: '价值分层' }).click();
    const tiers = Array.isArray(latest.report.tiers) ? latest.report.tiers : latest.report.tiers.tiers;
    for (const tier of tiers) {
      await expectText(page.getByTestId(`tier-count-${tier.key}`), String(tier.count));
      await expectText(page.getByTestId(`tier-profit-${tier.key}`), formatFen(tier.profit));
    }

    await page.getByRole('tab', { name: '客户终身价值' }).click();
    await expectText(page.getByTestId('customer-equity'), formatFen(latest.report.clv.customer_equity));
    const top = await ok(await env.api('admin')('GET', '/api/v1/analytics/top-clv?limit=20'));
    if (top.items.length > 0) {
      await expectText(page.getByTestId('top-clv-table').locator('tbody tr.ant-table-row').first().getByRole('link'), top.items[0].customer_name);
    }
    await page.getByTestId('clv-fit').waitFor();

    await assertNoSeriousA11yViolations(page, 'analytics');
  });
});

test('the churn list equals the API and one click creates a churn_alert follow-up task', { timeout: 60_000 }, async () => {
  const churn = await ok(await env.api('admin')('GET', '/api/v1/analytics/churn?limit=100'));
  assert.ok(churn.items.length > 0, 'the demo data has customers at risk');
  const first = churn.items[0];
  assert.equal(first.open_task_id ?? null, null);

  await withPage('admin', 'analytics-churn', async (page) => {
    await page.goto(env.baseUrl + '/analytics?tab=churn');
    const rows = page.getByTestId('churn-table').locator('tbody tr[data-testid="churn-row"]');
    await rows.first().waitFor();
    for (let i = 0; i < Math.min(3, churn.items.length); i++) {
      await expectText(rows.nth(i).getByTestId('churn-name'), churn.items[i].customer_name);
      await expectText(rows.nth(i).getByTestId('churn-value'), formatFen(churn.items[i].value_at_risk));
    }
    await assertNoSeriousA11yViolations(page, 'analytics churn');
    const button = rows.first().getByTestId('churn-create-task');
    await expectText(button, '创建跟进');
    await button.click();
    await expectText(button, '已创建跟进');
    assert.equal(await button.isDisabled(), true);

    const res = await ok(await env.api('admin')('GET', `/api/v1/tasks?customer_id=${first.customer_id}&status=open`));
    const tasks = Array.isArray(res) ? res : res.items;
    assert.equal(tasks.length, 1);
    assert.equal(tasks[0].origin, 'churn_alert');
    assert.equal(tasks[0].status, 'open');
    assert.equal(tasks[0].due_day, shanghaiDay(1));
    assert.equal(tasks[0].title, `流失预警回访：${first.customer_name}`);

    // The list now knows the open task: after a reload the row starts disabled.
    const again = await ok(await env.api('admin')('GET', '/api/v1/analytics/churn?limit=100'));
    assert.equal(again.items.find((i) => i.customer_id === first.customer_id).open_task_id, tasks[0].id);
    await page.reload();
    const row = page.getByTestId('churn-table').locator('tbody tr[data-testid="churn-row"]').filter({ hasText: first.customer_name }).first();
    await expectText(row.getByTestId('churn-create-task'), '已创建跟进');
    assert.equal(await row.getByTestId('churn-create-task').isDisabled(), true);
  });
});

test('the customer list filtered by RFM class shows exactly that class; the customer page shows the metrics', { timeout: 60_000 }, async () => {
  const latest = await ok(await env.api('admin')('GET', '/api/v1/analytics/runs/latest'));
  // The smallest non-empty class, so the first page holds all of it.
  const cls = latest.report.rfm.classes.filter((c) => c.count > 0).sort((a, b) => a.count - b.count)[0];
  const expected = await ok(await env.api('admin')('GET', `/api/v1/customers?rfm_class=${cls.key}&archived=false&limit=50`));
  assert.ok(expected.items.length > 0);
  for (const c of expected.items) assert.equal(c.metrics.rfm_class, cls.key);
  const all = await ok(await env.api('admin')('GET', '/api/v1/customers?archived=false&limit=50'));
  assert.notDeepEqual(expected.items.map((c) => c.id), all.items.map((c) => c.id));

  await withPage('admin', 'analytics-list-filter', async (page) => {
    await page.goto(env.baseUrl + '/customers');
    await page.getByTestId('customer-link').first().waitFor();
    await pickOption(page, '按 RFM 类别筛选', CLASS_ZH[cls.key]);
    await page.waitForURL(new RegExp(`rfm_class=${cls.key}`));
    await expectText(page.getByTestId('customer-count'), `已显示 ${expected.items.length} 条`);
    const hrefs = await page.getByTestId('customer-link').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, expected.items.map((c) => `/customers/${c.id}`));
    const shown = await page.getByTestId('customer-rfm-class').allTextContents();
    assert.deepEqual([...new Set(shown)], [CLASS_ZH[cls.key]]);

    const id = expected.items[0].id;
    const m = await ok(await env.api('admin')('GET', `/api/v1/customers/${id}/metrics`));
    await page.getByTestId('customer-link').first().click();
    await page.waitForURL(new RegExp(`/customers/${id}$`));
    await expectText(page.getByTestId('metric-rfm_class'), CLASS_ZH[m.rfm_class]);
    await expectText(page.getByTestId('metric-rfm_scores'), `R ${m.r_score} · F ${m.f_score} · M ${m.m_score}`);
    await expectText(page.getByTestId('metric-clv'), m.clv === null ? '—' : formatFen(m.clv));
  });
});

test('the metrics card shows the products the basket rules recommend', { timeout: 60_000 }, async () => {
  const page1 = await ok(await env.api('admin')('GET', '/api/v1/customers?archived=false&limit=50'));
  let found = null;
  for (const c of page1.items) {
    const m = await ok(await env.api('admin')('GET', `/api/v1/customers/${c.id}/metrics`));
    if (m.recommendations?.length) {
      found = { id: c.id, first: m.recommendations[0] };
      break;
    }
  }
  assert.ok(found, 'some demo customer has a recommendation');
  await withPage('admin', 'analytics-recommendations', async (page) => {
    await page.goto(env.baseUrl + `/customers/${found.id}`);
    const first = page.getByTestId('recommendation').first();
    await first.waitFor();
    const text = (await first.textContent()).trim();
    assert.ok(text.startsWith(found.first.name), text);
    assert.ok(text.includes(found.first.code), text);
  });
});

test('purchase potential is typed in 元 and stored in fen; the attack/defend counts equal the run report', { timeout: 60_000 }, async () => {
  const admin = env.api('admin');
  const page1 = await ok(await admin('GET', '/api/v1/customers?archived=false&limit=40'));
  const [first, ...rest] = page1.items;

  await withPage('admin', 'analytics-potential', async (page) => {
    await page.goto(env.baseUrl + `/customers/${first.id}`);
    await page.getByTestId('edit-customer').click();
    const edit = page.locator('.ant-drawer-content').filter({ hasText: '编辑客户' });
    await edit.getByLabel('购买潜力（元/年）').fill('123,456.78');
    await edit.getByTestId('customer-form-submit').click();
    await edit.waitFor({ state: 'hidden' });
    await expectText(page.getByTestId('field-purchase_potential'), '¥123,456.78');
    assert.equal((await ok(await admin('GET', `/api/v1/customers/${first.id}`))).purchase_potential, 12_345_678);

    // Potentials spread over two orders of magnitude, so every quadrant can fill.
    for (const [i, c] of rest.entries()) {
      await ok(await admin('PATCH', `/api/v1/customers/${c.id}`, { purchase_potential: (i + 1) * 1_000_000 }, { 'if-match': `"${c.version}"` }));
    }
    await ok(await admin('POST', '/api/v1/analytics/runs'), 201);
    const latest = await ok(await admin('GET', '/api/v1/analytics/runs/latest'));
    const counts = latest.report.attack_defend.counts;
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    assert.ok(total > 0, 'customers with a potential are classified');

    await page.goto(env.baseUrl + '/analytics?tab=attack');
    for (const q of ['acquire', 'retain', 'maintain', 'abandon']) {
      await expectText(page.getByTestId(`quadrant-count-${q}`), String(counts[q]));
    }
    await page.getByTestId('attack-defend-chart').locator('canvas').first().waitFor();
    await expectText(page.getByTestId('attack-thresholds'), `阈值：购买潜力 ${formatFen(latest.report.attack_defend.potential_threshold)}，钱包份额 ${(latest.report.attack_defend.share_threshold * 100).toFixed(1)}%`);
  });
});
