// The lifecycle card on the customer page: a rep overrides the stage, the card
// shows it as set by hand with a history row, "derive again" clears it; axe.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { assertNoSeriousA11yViolations, login, newPage, pickOption, setUp, snapshot } from './harness.mjs';

let env;
let customerId;

before(async () => {
  env = await setUp();
  const r = await env.api('wang')('POST', '/api/v1/customers', { kind: 'organization', name: '生命周期测试公司' });
  assert.equal(r.status, 201, r.text);
  customerId = r.json.id;
});

after(async () => {
  await env?.close();
});

test('overriding the stage in the card shows in the history; clearing derives again', async () => {
  const page = await newPage(env);
  try {
    await login(page, env, 'wang');
    await page.goto(`${env.baseUrl}/customers/${customerId}`);
    const card = page.getByTestId('lifecycle-card');
    await card.getByRole('heading', { level: 2, name: '生命周期与客户阶梯' }).waitFor();
    await card.getByTestId('lifecycle-derived').getByText('尚未购买', { exact: false }).waitFor();
    await assertNoSeriousA11yViolations(page, 'lifecycle card');

    await pickOption(page, '设定阶段', '稳定期');
    await card.getByTestId('lifecycle-save').click();
    await card.getByTestId('stage-overridden').waitFor();
    const history = card.getByTestId('lifecycle-history');
    await history.getByText('考察期 → 稳定期').waitFor();
    await history.getByText('人工设定').first().waitFor();

    await card.getByTestId('lifecycle-clear-stage').click();
    await card.getByTestId('stage-overridden').waitFor({ state: 'detached' });
    await history.getByText('稳定期 → 考察期').waitFor();
    await history.getByText('恢复自动').waitFor();
    assert.deepEqual(page.pageErrors, []);
  } catch (e) {
    await snapshot(page, 'lifecycle');
    throw e;
  } finally {
    await page.context().close();
  }
  const r = await env.api('wang')('GET', `/api/v1/customers/${customerId}/lifecycle`);
  assert.equal(r.json.stage, 'exploration');
  assert.deepEqual(r.json.history.map((h) => h.source), ['override_cleared', 'override']);
});
