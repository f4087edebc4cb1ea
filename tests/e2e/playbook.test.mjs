// The playbook (话术库) editor through the browser: a manager creates an FFAB entry for
// present_value / price_too_high, finds it on an opportunity in that stage, edits it
// (including a stale-version conflict) and deletes it; a sales rep only reads; axe.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, expectCount, expectText, expectValue, login, newPage, setUp, snapshot } from './harness.mjs';

let env;
let oppId;
let stageName;

function todayShanghai() {
  return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

async function ok(res, status = 200) {
  assert.equal(res.status, status, res.text);
  return res.json;
}

/** Waits until no antd modal or dropdown is animating. */
async function settled(page) {
  await expectCount(page.locator(ANIMATING), 0);
}

const ANIMATING = ['zoom', 'zoom-big', 'fade', 'slide-up'].flatMap((a) => [`.ant-${a}-appear`, `.ant-${a}-enter`, `.ant-${a}-leave`]).join(', ');

/** Picks `optionText` in the antd Select labelled `label` inside `root` (a dialog). */
async function pickOption(page, root, label, optionText) {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const name = new RegExp(`^(\\* )?${escaped}$`);
  const combobox = root.getByRole('combobox', { name });
  // `has` is relative to each .ant-select, so it takes an unscoped locator.
  const select = root.locator('.ant-select').filter({ has: page.getByRole('combobox', { name }) });
  const listId = await combobox.getAttribute('aria-controls');
  const dropdown = page.locator('.ant-select-dropdown').filter({ has: page.locator(`[id="${listId}"]`) });
  const shown = select.locator('.ant-select-selection-item').first();
  // A click on an option still moving (modal zoom, dropdown slide) can be lost: settle first, retry.
  for (let attempt = 0; ; attempt++) {
    await settled(page);
    await select.click();
    await settled(page);
    await dropdown.locator('.ant-select-item-option').filter({ hasText: optionText }).first().click();
    await settled(page);
    const text = ((await shown.textContent().catch(() => '')) ?? '').trim();
    if (text === optionText || attempt === 2) {
      await expectText(shown, optionText);
      return;
    }
  }
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

async function entriesTitled(title) {
  const all = await ok(await env.api('admin')('GET', '/api/v1/playbook'));
  return all.filter((e) => e.title === title);
}

before(async () => {
  env = await setUp();
  const customer = await ok(await env.api('wang')('POST', '/api/v1/customers', { kind: 'organization', name: '苏州河畔精密机械有限公司', province: '江苏省' }), 201);
  const opp = await ok(
    await env.api('wang')('POST', '/api/v1/opportunities', { customer_id: customer.id, title: '精密机床改造', amount: 30_000_000, expected_close: todayShanghai(), stage: 'present_value' }),
    201,
  );
  oppId = opp.id;
  const stages = await ok(await env.api('wang')('GET', '/api/v1/stages'));
  stageName = stages.find((s) => s.key === 'present_value').name_zh;
});

after(async () => {
  await env?.close();
});

test('a manager creates, sees on the opportunity page, edits and deletes a playbook entry', { timeout: 120_000 }, async () => {
  const TITLE = '报价偏高时强调节能回报';
  const EDITED = '报价偏高：算清三年节能账';
  await withPage('zhang', 'playbook-manager', async (page) => {
    await page.goto(env.baseUrl + '/playbook');
    await page.getByRole('heading', { level: 1, name: '话术库' }).waitFor();

    // Create.
    await page.getByTestId('create-playbook').click();
    const dialog = page.getByRole('dialog').filter({ hasText: '新建话术' });
    await dialog.waitFor();
    await pickOption(page, dialog, '阶段', stageName);
    await pickOption(page, dialog, '情境', '价格太高');
    await pickOption(page, dialog, '类型', 'FFAB');
    await dialog.getByTestId('ffab-hint').waitFor();
    await dialog.getByLabel('标题').fill(TITLE);
    await dialog.getByLabel('内容').fill('特征：伺服主轴\n功能：按负载调速\n优点：空载能耗降 40%\n利益：三年省下的电费超过差价');
    // The preview renders the four labelled lines the opportunity page shows.
    const preview = dialog.getByTestId('ffab-preview');
    await expectCount(preview.locator('dd'), 4);
    await expectText(preview.locator('dt').nth(3), '利益');
    await expectText(preview.locator('dd').nth(0), '伺服主轴');
    await dialog.getByRole('button', { name: '保存' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const [created] = await entriesTitled(TITLE);
    assert.ok(created, 'entry was created');
    assert.equal(created.stage, 'present_value');
    assert.equal(created.situation, 'price_too_high');
    assert.equal(created.kind, 'ffab');
    assert.equal(created.locale, 'zh');
    assert.equal(created.body, '特征：伺服主轴\n功能：按负载调速\n优点：空载能耗降 40%\n利益：三年省下的电费超过差价');
    const group = page.getByTestId('playbook-group-price_too_high');
    await group.getByRole('region', { name: TITLE }).waitFor();

    // The opportunity page in that stage shows it under "价格太高".
    await page.goto(env.baseUrl + `/opportunities/${oppId}`);
    const card = page.getByTestId('playbook');
    const header = card.getByRole('button', { name: '价格太高' });
    await header.waitFor();
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await card.getByText(TITLE).waitFor();
    await card.getByText('三年省下的电费超过差价').waitFor();

    // Edit.
    await page.goto(env.baseUrl + '/playbook');
    await page.getByRole('button', { name: `编辑 ${TITLE}` }).click();
    const edit = page.getByRole('dialog').filter({ hasText: '编辑话术' });
    await edit.waitFor();
    await edit.getByLabel('标题').fill(EDITED);
    await edit.getByRole('button', { name: '保存' }).click();
    await edit.waitFor({ state: 'hidden' });
    await page.getByRole('region', { name: EDITED }).waitFor();
    const [edited] = await entriesTitled(EDITED);
    assert.equal(edited.id, created.id);
    assert.equal(edited.version, created.version + 1);

    // A stale version: someone else saves while the modal is open → message, reloaded text.
    await page.getByRole('button', { name: `编辑 ${EDITED}` }).click();
    await edit.waitFor();
    const other = await env.api('admin')('PATCH', `/api/v1/playbook/${created.id}`, { body: '特征：A\n功能：B\n优点：C\n利益：D' }, { 'if-match': `"${edited.version}"` });
    assert.equal(other.status, 200, other.text);
    await edit.getByLabel('标题').fill('不会保存的标题');
    await edit.getByRole('button', { name: '保存' }).click();
    await expectText(edit.getByTestId('form-error').locator('.ant-alert-message'), '这条话术已被他人修改，已重新加载，请再次编辑');
    await expectValue(edit.getByLabel('内容'), '特征：A\n功能：B\n优点：C\n利益：D');
    await expectValue(edit.getByLabel('标题'), EDITED);
    assert.equal((await entriesTitled('不会保存的标题')).length, 0);
    await edit.getByRole('button', { name: '取消' }).click();
    await edit.waitFor({ state: 'hidden' });

    // Delete, with confirmation.
    await page.getByRole('button', { name: `删除 ${EDITED}` }).click();
    await page.locator('.ant-popconfirm').getByText(`确定删除话术“${EDITED}”？`).waitFor();
    await settled(page);
    await page.locator('.ant-popconfirm').getByRole('button', { name: '删除' }).click();
    await page.getByRole('region', { name: EDITED }).waitFor({ state: 'detached' });
    assert.equal((await entriesTitled(EDITED)).length, 0);
  });
});

test('a sales rep reads the playbook without editing controls', { timeout: 60_000 }, async () => {
  await withPage('wang', 'playbook-sales', async (page) => {
    // Reached from the 销售设置 submenu.
    await page.getByRole('menuitem', { name: '销售设置' }).hover();
    await page.getByRole('menuitem', { name: '话术库' }).click();
    await page.waitForURL(/\/playbook$/);
    await page.getByRole('heading', { level: 1, name: '话术库' }).waitFor();
    await page.getByTestId('playbook-entry').first().waitFor();
    assert.ok((await page.getByTestId('playbook-entry').count()) > 0);
    assert.equal(await page.getByTestId('create-playbook').count(), 0);
    assert.equal(await page.getByRole('button', { name: /^编辑/ }).count(), 0);
    assert.equal(await page.getByRole('button', { name: /^删除/ }).count(), 0);
    // The server agrees: a sales rep may not write.
    const res = await env.api('wang')('POST', '/api/v1/playbook', { situation: 'general', kind: 'tip', locale: 'zh', title: 'x', body: 'y' });
    assert.equal(res.status, 403);
  });
});

test('filters: kind and locale narrow the list', { timeout: 60_000 }, async () => {
  const all = await ok(await env.api('wang')('GET', '/api/v1/playbook?locale=en'));
  const ffab = all.filter((e) => e.kind === 'ffab');
  assert.ok(ffab.length > 0, 'the default playbook has English FFAB entries');
  await withPage('wang', 'playbook-filters', async (page) => {
    await page.goto(env.baseUrl + '/playbook');
    await page.getByTestId('playbook-entry').first().waitFor();
    await pickOption(page, page.locator('.gx-filters'), '语言', '英文');
    await expectCount(page.getByTestId('playbook-entry'), all.length);
    await pickOption(page, page.locator('.gx-filters'), '类型', 'FFAB');
    await expectCount(page.getByTestId('playbook-entry'), ffab.length);
  });
});

test('axe: no serious or critical violations on the playbook page and its editor', { timeout: 90_000 }, async () => {
  await withPage('zhang', 'playbook-axe', async (page) => {
    await page.goto(env.baseUrl + '/playbook');
    await page.getByTestId('playbook-entry').first().waitFor();
    await assertNoSeriousA11yViolations(page, 'playbook');
    await page.getByTestId('create-playbook').click();
    await page.getByRole('dialog').filter({ hasText: '新建话术' }).waitFor();
    // Let the modal finish its zoom/fade-in: mid-animation colours fail the contrast check.
    await settled(page);
    await assertNoSeriousA11yViolations(page, 'playbook editor');
  });
});
