// Shared set-up for the browser suites: a real guanxi server on a fresh database
// (tests/lib/server.mjs), one headless Debian chromium, and small UI helpers.
// Not a test file itself (the node:test runner only picks up *.test.mjs).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { addUser, apiClient, createToken, guanxiBin, repoRoot, startServer, tempDb, webRoot } from '../lib/server.mjs';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export const PASSWORD = 'correct-horse-battery';

/** Users every suite gets: login → role (team "华东" for manager and sales). */
export const USERS = {
  admin: 'admin',
  zhang: 'manager',
  wang: 'sales',
  li: 'sales',
  kefu: 'service',
};

export function checkPrerequisites() {
  assert.ok(existsSync(guanxiBin), `server binary missing: ${guanxiBin} (build it or set GUANXI_BIN)`);
  assert.ok(existsSync(path.join(webRoot, 'index.html')), `UI not built: ${webRoot}/index.html (run npm ci && npm run build in web/)`);
}

/** Starts a server with USERS and a browser; returns the environment and a cleanup. */
export async function setUp() {
  checkPrerequisites();
  const tmp = tempDb();
  for (const [login, role] of Object.entries(USERS)) {
    addUser(tmp.db, login, role, PASSWORD, role === 'manager' || role === 'sales' ? '华东' : undefined);
  }
  const tokens = {};
  for (const login of Object.keys(USERS)) tokens[login] = createToken(tmp.db, login);
  const server = await startServer({ db: tmp.db });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const env = {
    baseUrl: server.baseUrl,
    server,
    browser,
    /** A JSON API client acting as `login` through a bearer token. */
    api: (login) => apiClient(server.baseUrl, tokens[login]),
    async close() {
      await browser.close().catch(() => {});
      await server.stop();
      tmp.cleanup();
    },
  };
  return env;
}

/** A fresh browser context (its own cookies and localStorage: a separate "user"). */
export async function newPage(env, { locale = 'zh-CN' } = {}) {
  // A time zone other than Shanghai proves the UI converts times itself.
  const context = await env.browser.newContext({ locale, timezoneId: 'Europe/London', viewport: { width: 1366, height: 900 } });
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.pageErrors = errors;
  return page;
}

/** Logs in through the (Chinese) login form and waits for the customer list. */
export async function login(page, env, loginName, password = PASSWORD) {
  await page.goto(env.baseUrl + '/login');
  await page.getByLabel('登录名').fill(loginName);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await page.waitForURL(/\/customers$/);
  await page.getByRole('heading', { level: 1, name: '客户列表' }).waitFor();
}

/** Opens an antd Select by its label and picks the option with the given text. */
export async function pickOption(page, label, optionText) {
  // Click the select box itself: its selected-value span covers the combobox input.
  const combobox = page.getByRole('combobox', { name: label, exact: true });
  await page.locator('.ant-select').filter({ has: combobox }).click();
  const option = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option').filter({ hasText: optionText }).first();
  await option.click();
}

/** The text of a field on the customer detail page. */
export function detailField(page, name) {
  return page.getByTestId(`field-${name}`);
}

/** Waits until the locator's text equals `expected` (trimmed). */
export async function expectText(locator, expected, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = ((await locator.textContent().catch(() => null)) ?? '').trim();
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(last, expected);
}

/** Waits until the locator matches exactly `n` elements. */
export async function expectCount(locator, n, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await locator.count();
    if (last === n) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(last, n);
}

/** Saves a screenshot under .test-tmp/ (for looking at a failure). */
export async function snapshot(page, name) {
  const dir = path.join(repoRoot, '.test-tmp');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true }).catch(() => {});
}

/** Waits until the input's value equals `expected`. */
export async function expectValue(locator, expected, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let last;
  while (Date.now() < deadline) {
    last = await locator.inputValue().catch(() => null);
    if (last === expected) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(last, expected);
}

/** Runs axe and fails on serious or critical violations (with a readable report). */
export async function assertNoSeriousA11yViolations(page, what) {
  // A select's dropdown that is still closing keeps antd's option markup (aria-selected
  // on plain divs) in the page for a moment: let it go first (bounded).
  const open = page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden)');
  for (let i = 0; i < 30 && (await open.count()) > 0; ++i) await new Promise((r) => setTimeout(r, 100));
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad
    .map((v) => `${v.impact} ${v.id}: ${v.help}\n` + v.nodes.slice(0, 5).map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`).join('\n'))
    .join('\n');
  assert.equal(bad.length, 0, `axe found serious/critical violations on the ${what} page:\n${report}`);
  return result;
}
