// Contacts: create under a customer, list, get, update with If-Match, delete,
// phone normalisation and validation.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, createCustomer } from '../lib/api-helpers.mjs';

let env, admin, cust, other;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }] });
  admin = env.as('boss');
  cust = await createCustomer(admin, { name: '上海浦江联系人测试有限公司' });
  other = await createCustomer(admin, { name: '另一家公司' });
});
after(async () => { await env?.stop(); });

const listContacts = async (customerId) => {
  const r = await admin('GET', `/api/v1/customers/${customerId}/contacts`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.next, null);
  return r.json.items;
};

describe('contacts', () => {
  let contact;

  test('POST /api/v1/contacts → 201 with id, version 1, ETag, Location; phone normalised to E.164', async () => {
    const r = await admin('POST', '/api/v1/contacts', {
      customer_id: cust.id, name: '李雷', title: '采购经理', phone: '13812345678', email: 'li.lei@example.com',
      wechat: 'lilei_wx', personality: 'analytical', birthday: '1985-07-01', notes: '喜欢喝茶',
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.version, 1);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.headers.get('location'), `/api/v1/contacts/${r.json.id}`);
    assert.equal(r.json.customer_id, cust.id);
    assert.equal(r.json.name, '李雷');
    assert.equal(r.json.title, '采购经理');
    assert.equal(r.json.phone, '+8613812345678');
    assert.equal(r.json.email, 'li.lei@example.com');
    assert.equal(r.json.wechat, 'lilei_wx');
    assert.equal(r.json.personality, 'analytical');
    assert.equal(r.json.birthday, '1985-07-01');
    contact = r.json;
  });

  test('GET /api/v1/contacts/{id} returns it', async () => {
    const r = await admin('GET', `/api/v1/contacts/${contact.id}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, contact);
    assert.equal(r.headers.get('etag'), '"1"');
  });

  test('listed under its customer, and only there', async () => {
    const second = await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: '韩梅梅' });
    assert.equal(second.status, 201);
    const items = await listContacts(cust.id);
    assert.deepEqual(items.map((c) => c.name), ['李雷', '韩梅梅']);
    assert.deepEqual(items[0], contact);
    assert.deepEqual(await listContacts(other.id), []);
  });

  test('phone formats normalise to the same E.164 number', async () => {
    for (const phone of ['138 1234 5678', '138-1234-5678', '+86 138 1234 5678', '(+86) 13812345678',
      '１３８１２３４５６７８', '  13812345678  ']) {
      const r = await admin('POST', '/api/v1/contacts', { customer_id: other.id, name: '号码测试', phone });
      assert.equal(r.status, 201, `${phone}: ${r.text}`);
      assert.equal(r.json.phone, '+8613812345678', phone);
    }
    const land = await admin('POST', '/api/v1/contacts', { customer_id: other.id, name: '座机', phone: '010-6552 9988' });
    assert.equal(land.status, 201, land.text);
    assert.equal(land.json.phone, '+861065529988');
  });

  test('invalid phone → 422 with errors[].field == "phone"; nothing stored', async () => {
    const before = (await listContacts(cust.id)).length;
    for (const phone of ['12345', 'abc', '138123456789999', '+999 1234567', '13812345678 ext. 12']) {
      const r = await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: '坏号码', phone });
      const p = assertProblem(r, 422, 'phone');
      assert.ok(p.errors.every((e) => e.field === 'phone'), JSON.stringify(p.errors));
    }
    assert.equal((await listContacts(cust.id)).length, before);
  });

  test('other validation: name, email, birthday, personality, customer_id', async () => {
    const before = (await listContacts(cust.id)).length;
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: '' }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: cust.id }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: 'x', email: 'x@' }), 422, 'email');
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: 'x', birthday: '1985-13-01' }), 422, 'birthday');
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: 'x', personality: 'grumpy' }), 422, 'personality');
    assertProblem(await admin('POST', '/api/v1/contacts', { name: 'x' }), 422, 'customer_id');
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: 999999, name: 'x' }), 422, 'customer_id');
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: '1', name: 'x' }), 422, 'customer_id');
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: 'x', id: 3 }), 422, 'id');
    assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: 'x', company: 'y' }), 422, 'company');
    // Several bad fields are all reported.
    const p = assertProblem(await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: '', phone: '1', email: 'no' }), 422);
    for (const f of ['name', 'phone', 'email']) assert.ok(p.errors.some((e) => e.field === f), f);
    assert.equal((await listContacts(cust.id)).length, before);
  });

  test('PATCH with If-Match → 200, version 2; stale → 409; missing → 428; record unchanged after failures', async () => {
    let r = await admin('PATCH', `/api/v1/contacts/${contact.id}`, { title: '采购总监', phone: '+86 139 0000 1111' }, { 'if-match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.json.title, '采购总监');
    assert.equal(r.json.phone, '+8613900001111');
    assert.equal(r.json.name, '李雷', 'unsent fields kept');
    assert.equal(r.json.created_at, contact.created_at);
    assertProblem(await admin('PATCH', `/api/v1/contacts/${contact.id}`, { title: '不该写入' }, { 'if-match': '"1"' }), 409);
    assertProblem(await admin('PATCH', `/api/v1/contacts/${contact.id}`, { title: '不该写入' }), 428, 'If-Match');
    assertProblem(await admin('PATCH', `/api/v1/contacts/${contact.id}`, { phone: '123' }, { 'if-match': '"2"' }), 422, 'phone');
    assertProblem(await admin('PATCH', `/api/v1/contacts/${contact.id}`, { customer_id: 999999 }, { 'if-match': '"2"' }), 422, 'customer_id');
    r = await admin('GET', `/api/v1/contacts/${contact.id}`);
    assert.equal(r.json.version, 2);
    assert.equal(r.json.title, '采购总监');
    assert.equal(r.json.phone, '+8613900001111');
    assert.equal(r.json.customer_id, cust.id);
  });

  test('PATCH can clear optional fields with null', async () => {
    const r = await admin('PATCH', `/api/v1/contacts/${contact.id}`, { wechat: null, personality: null }, { 'if-match': '"2"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.wechat, '');
    assert.equal(r.json.personality, null);
    assert.equal(r.json.version, 3);
  });

  test('PATCH moves a contact to another customer', async () => {
    const c = await admin('POST', '/api/v1/contacts', { customer_id: cust.id, name: '调动的人' });
    const r = await admin('PATCH', `/api/v1/contacts/${c.json.id}`, { customer_id: other.id }, { 'if-match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.customer_id, other.id);
    assert.ok(!(await listContacts(cust.id)).some((x) => x.id === c.json.id));
    assert.ok((await listContacts(other.id)).some((x) => x.id === c.json.id));
  });

  test('DELETE → 204, then GET/PATCH/DELETE → 404 and it is gone from the list', async () => {
    const r = await admin('DELETE', `/api/v1/contacts/${contact.id}`);
    assert.equal(r.status, 204);
    assert.equal(r.text, '');
    assertProblem(await admin('GET', `/api/v1/contacts/${contact.id}`), 404);
    assertProblem(await admin('PATCH', `/api/v1/contacts/${contact.id}`, { name: 'x' }, { 'if-match': '"3"' }), 404);
    assertProblem(await admin('DELETE', `/api/v1/contacts/${contact.id}`), 404);
    assert.ok(!(await listContacts(cust.id)).some((x) => x.id === contact.id));
  });

  test('unknown and non-numeric ids → 404', async () => {
    for (const id of ['999999', 'abc', '0', '-1', '1.5', '99999999999999999999']) {
      assertProblem(await admin('GET', `/api/v1/contacts/${id}`), 404);
      assertProblem(await admin('DELETE', `/api/v1/contacts/${id}`), 404);
      assertProblem(await admin('GET', `/api/v1/customers/${id}/contacts`), 404);
    }
  });
});
