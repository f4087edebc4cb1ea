// Takes docs/screenshot.png: the customer list of a demo database, logged in as
// the sales manager, in Debian chromium. Usage: node scripts/screenshot.mjs
// (needs build/release/guanxi, web/dist and tests/node_modules).
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'tests/package.json'));
const { chromium } = require('playwright-core');
const { tempDb, cli, startServer } = await import(path.join(root, 'tests/lib/server.mjs'));

const { db, cleanup } = tempDb();
cli(['demo', '--db', db, '--customers', '300']);
const server = await startServer({ db });
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
  await page.goto(server.baseUrl + '/');
  await page.getByLabel(/账号|登录名|用户名|Login/).fill('wang.jianlin');
  await page.getByLabel(/密码|Password/).fill('guanxi-demo');
  await page.getByRole('button', { name: /登\s*录|Log in/ }).click();
  await page.waitForSelector('table tbody tr.ant-table-row');
  await page.waitForTimeout(500);
  await page.screenshot({ path: path.join(root, 'docs/screenshot.png') });
  console.log('wrote docs/screenshot.png');
} finally {
  await browser.close();
  await server.stop();
  cleanup();
}
