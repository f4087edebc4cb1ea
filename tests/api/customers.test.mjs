// Customers: the create/read/update contract, optimistic locking, search,
// keyset pagination for every sort, pinyin name order, filters, archive and delete.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { setupEnv, assertProblem, listAll, createCustomer, parallel, q } from '../lib/api-helpers.mjs';

let env, admin, sales;

before(async () => {
  env = await setupEnv({ users: [{ login: 'boss', role: 'admin' }, { login: 'rep', role: 'sales', team: '华东' }] });
  admin = env.as('boss');
  sales = env.as('rep');
});
after(async () => { await env?.stop(); });

const search = async (api, text, extra = {}) => {
  const r = await api('GET', `/api/v1/customers?${q({ q: text, limit: 200, ...extra })}`);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
};

describe('create, read, update', () => {
  let created;

  test('POST creates a customer: 201 with id, version 1, ETag and Location', async () => {
    const r = await admin('POST', '/api/v1/customers',
      { kind: 'organization', name: '杭州云栖科技有限公司', province: '浙江省', city: '杭州市' });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.equal(typeof r.json.id, 'number');
    assert.ok(r.json.id > 0);
    assert.equal(r.json.version, 1);
    assert.equal(r.headers.get('etag'), '"1"');
    assert.equal(r.headers.get('location'), `/api/v1/customers/${r.json.id}`);
    assert.equal(r.json.kind, 'organization');
    assert.equal(r.json.name, '杭州云栖科技有限公司');
    assert.equal(r.json.province, '浙江省');
    assert.equal(r.json.city, '杭州市');
    assert.equal(r.json.archived, false);
    assert.match(r.json.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(r.json.created_at, r.json.updated_at);
    created = r.json;
  });

  test('GET by id returns the same record and ETag', async () => {
    const r = await admin('GET', `/api/v1/customers/${created.id}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, created);
    assert.equal(r.headers.get('etag'), '"1"');
  });

  test('PATCH with If-Match updates: 200, version 2, new ETag; GET shows it', async () => {
    const r = await admin('PATCH', `/api/v1/customers/${created.id}`, { name: '杭州云栖科技股份有限公司', industry: '软件' },
      { 'if-match': '"1"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 2);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.equal(r.json.name, '杭州云栖科技股份有限公司');
    assert.equal(r.json.industry, '软件');
    assert.equal(r.json.province, '浙江省', 'fields not sent are kept');
    assert.equal(r.json.created_at, created.created_at);
    const g = await admin('GET', `/api/v1/customers/${created.id}`);
    assert.equal(g.json.version, 2);
    assert.equal(g.json.name, '杭州云栖科技股份有限公司');
  });

  test('If-Match accepts a bare number and a weak ETag', async () => {
    let r = await admin('PATCH', `/api/v1/customers/${created.id}`, { city: '杭州' }, { 'if-match': '2' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 3);
    r = await admin('PATCH', `/api/v1/customers/${created.id}`, { city: '杭州市' }, { 'if-match': 'W/"3"' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.version, 4);
  });

  test('stale If-Match → 409 and the record is unchanged', async () => {
    const r = await admin('PATCH', `/api/v1/customers/${created.id}`, { name: '不该写入' }, { 'if-match': '"1"' });
    assertProblem(r, 409);
    const g = await admin('GET', `/api/v1/customers/${created.id}`);
    assert.equal(g.json.version, 4);
    assert.equal(g.json.name, '杭州云栖科技股份有限公司');
  });

  test('If-Match from the future → 409', async () => {
    const r = await admin('PATCH', `/api/v1/customers/${created.id}`, { name: '不该写入' }, { 'if-match': '"99"' });
    assertProblem(r, 409);
    assert.equal((await admin('GET', `/api/v1/customers/${created.id}`)).json.version, 4);
  });

  test('missing If-Match → 428 naming If-Match; record unchanged', async () => {
    const r = await admin('PATCH', `/api/v1/customers/${created.id}`, { name: '不该写入' });
    assertProblem(r, 428, 'If-Match');
    const g = await admin('GET', `/api/v1/customers/${created.id}`);
    assert.equal(g.json.version, 4);
    assert.equal(g.json.name, '杭州云栖科技股份有限公司');
  });

  test('unparseable If-Match → 400 naming If-Match', async () => {
    const r = await admin('PATCH', `/api/v1/customers/${created.id}`, { name: '不该写入' }, { 'if-match': 'abc' });
    assertProblem(r, 400, 'If-Match');
    assert.equal((await admin('GET', `/api/v1/customers/${created.id}`)).json.version, 4);
  });

  test('two PATCHes with the same version: exactly one wins', async () => {
    const c = await createCustomer(admin, { name: '并发更新测试公司' });
    const [a, b] = await Promise.all([
      admin('PATCH', `/api/v1/customers/${c.id}`, { industry: 'A' }, { 'if-match': '"1"' }),
      admin('PATCH', `/api/v1/customers/${c.id}`, { industry: 'B' }, { 'if-match': '"1"' }),
    ]);
    assert.deepEqual([a.status, b.status].sort(), [200, 409]);
    const g = await admin('GET', `/api/v1/customers/${c.id}`);
    assert.equal(g.json.version, 2);
    assert.equal(g.json.industry, (a.status === 200 ? a : b).json.industry);
  });

  test('individual customers, tags, care dates, phone and email are stored normalised', async () => {
    const c = await createCustomer(admin, {
      kind: 'individual', name: '  王小明  ', tags: ['VIP', '老客户', 'VIP'], phone: '138 1234 5678',
      email: 'Wang@Example.COM', care_dates: [{ kind: 'birthday', label: '生日', date: '05-20' }],
      size: 'small', source: 'referral', relationship: 'current', relationship_level: 'partner',
      lifecycle_stage: 'stability', notes: '第一行\n第二行',
    });
    assert.equal(c.kind, 'individual');
    assert.equal(c.name, '王小明', 'name is trimmed');
    assert.deepEqual(c.tags, ['VIP', '老客户'], 'duplicate tags dropped');
    assert.equal(c.phone, '+8613812345678');
    assert.equal(c.email, 'wang@example.com', 'emails are lower-cased');
    assert.deepEqual(c.care_dates, [{ kind: 'birthday', label: '生日', date: '05-20' }]);
    assert.equal(c.size, 'small');
    assert.equal(c.source, 'referral');
    assert.equal(c.relationship, 'current');
    assert.equal(c.relationship_level, 'partner');
    assert.equal(c.lifecycle_stage, 'stability');
    assert.equal(c.notes, '第一行\n第二行');
    const g = await admin('GET', `/api/v1/customers/${c.id}`);
    assert.deepEqual(g.json, c);
  });

  test('a sales rep\'s new customer is owned by them', async () => {
    const c = await createCustomer(sales, { name: '销售自建客户' });
    assert.equal(c.owner_user_id, env.ids.rep);
    assert.equal(c.owner_name, 'rep');
  });

  test('validation: missing kind, empty name, bad enum → 422 naming the field; nothing stored', async () => {
    const before = (await listAll(admin, '/api/v1/customers?archived=all', { limit: 200 })).items.length;
    assertProblem(await admin('POST', '/api/v1/customers', { name: '没有类型' }), 422, 'kind');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: '   ' }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'company', name: 'x' }), 422, 'kind');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', relationship: 'friend' }), 422, 'relationship');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', source: 'tv' }), 422, 'source');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', size: 'huge' }), 422, 'size');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', email: 'not-an-email' }), 422, 'email');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', phone: '12' }), 422, 'phone');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x'.repeat(201) }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'a\u0007b' }), 422, 'name');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', id: 5 }), 422, 'id');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', version: 3 }), 422, 'version');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', care_dates: [{ kind: 'birthday', date: '02-30' }] }), 422, 'care_dates/0/date');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', tags: ['ok', 3] }), 422, 'tags/1');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }), 422, 'tags');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', tags: ['签'.repeat(51)] }), 422, 'tags/0');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', notes: '长'.repeat(10001) }), 422, 'notes');
    assertProblem(await admin('POST', '/api/v1/customers', { kind: 'organization', name: 'x', city: '市'.repeat(101) }), 422, 'city');
    const after = (await listAll(admin, '/api/v1/customers?archived=all', { limit: 200 })).items.length;
    assert.equal(after, before);
  });

  test('external_id is unique: a second customer with the same one → 409', async () => {
    await createCustomer(admin, { name: '外部编号甲', external_id: 'EXT-1' });
    const r = await admin('POST', '/api/v1/customers', { kind: 'organization', name: '外部编号乙', external_id: 'EXT-1' });
    assertProblem(r, 409);
    assert.equal((await search(admin, '外部编号乙')).length, 0);
  });
});

describe('search', () => {
  let yunqi, abcFull, abcAscii;
  before(async () => {
    yunqi = (await search(admin, '杭州云栖科技'))[0];
    abcFull = await createCustomer(admin, { name: 'ＡＢＣ商贸有限公司' });
    abcAscii = await createCustomer(admin, { name: 'abc Trading 上海' });
    await createCustomer(admin, { name: '北京栖霞文化传媒', notes: '年底续约，联系人出差中' });
    await createCustomer(admin, { name: '深圳前海物流' });
  });
  const names = (items) => items.map((c) => c.name).sort();

  test('GET ?q=云栖&limit=N answers {items, next}', async () => {
    const r = await admin('GET', `/api/v1/customers?${q({ q: '云栖', limit: 10 })}`);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next']);
    assert.equal(r.json.next, null);
    assert.deepEqual(r.json.items.map((c) => c.id), [yunqi.id]);
    assert.equal(r.json.items[0].name, '杭州云栖科技股份有限公司');
  });

  test('traditional characters find simplified names: 雲棲 → 云栖', async () => {
    assert.deepEqual((await search(admin, '雲棲')).map((c) => c.id), [yunqi.id]);
    assert.deepEqual((await search(admin, '杭州雲棲科技')).map((c) => c.id), [yunqi.id]);
  });

  test('one-character query: 栖 finds both names containing it', async () => {
    assert.deepEqual(names(await search(admin, '栖')), ['北京栖霞文化传媒', '杭州云栖科技股份有限公司'].sort());
  });

  test('two-character query: 云栖 and 栖霞', async () => {
    assert.deepEqual(names(await search(admin, '云栖')), ['杭州云栖科技股份有限公司']);
    assert.deepEqual(names(await search(admin, '栖霞')), ['北京栖霞文化传媒']);
  });

  test('three-or-more-character queries (substring, also inside notes)', async () => {
    assert.deepEqual(names(await search(admin, '云栖科技')), ['杭州云栖科技股份有限公司']);
    assert.deepEqual(names(await search(admin, '栖霞文化传媒')), ['北京栖霞文化传媒']);
    assert.deepEqual(names(await search(admin, '联系人出差')), ['北京栖霞文化传媒']);
    assert.deepEqual(await search(admin, '云栖霞'), []);
  });

  test('full-width and ASCII letters meet, in either direction and any case', async () => {
    const both = [abcFull.name, abcAscii.name].sort();
    assert.deepEqual(names(await search(admin, 'abc')), both);
    assert.deepEqual(names(await search(admin, 'ＡＢＣ')), both);
    assert.deepEqual(names(await search(admin, 'ABC')), both);
    assert.deepEqual(names(await search(admin, 'ａｂｃ')), both);
    const oneA = names(await search(admin, 'Ａ'));
    assert.ok(oneA.includes(abcFull.name) && oneA.includes(abcAscii.name), JSON.stringify(oneA));
    assert.deepEqual(names(await search(admin, 'ＡＢＣ商贸')), [abcFull.name]);
  });

  test('several words must all match', async () => {
    assert.deepEqual(names(await search(admin, 'abc 上海')), [abcAscii.name]);
    assert.deepEqual(names(await search(admin, '上海 abc')), [abcAscii.name]);
    assert.deepEqual(await search(admin, 'abc 深圳'), []);
  });

  test('phones are found by their digits without the trunk 0; emails by substring', async () => {
    const c = await createCustomer(admin, { name: '电话搜索公司', phone: '0571-8888 6666', email: 'Boss@Example.com' });
    assert.equal(c.phone, '+8657188886666');
    for (const text of ['57188886666', '571 8888', '+8657188886666', 'boss@example', 'BOSS@EXAMPLE.COM']) {
      assert.deepEqual((await search(admin, text)).map((x) => x.id), [c.id], text);
    }
    assert.deepEqual(await search(admin, '0571'), []);
  });

  test('search results are newest first (id descending) and sort is ignored', async () => {
    for (const sort of ['name', 'created_at', '-updated_at']) {
      const items = await search(admin, '栖', { sort });
      assert.equal(items.length, 2);
      assert.ok(items[0].id > items[1].id, `sort=${sort}: ${items.map((x) => x.id)}`);
    }
  });

  test('a q of only spaces counts as no search (sort applies)', async () => {
    const spaced = await admin('GET', `/api/v1/customers?${q({ q: '   ', sort: 'name', limit: 200 })}`);
    const plain = await admin('GET', `/api/v1/customers?${q({ sort: 'name', limit: 200 })}`);
    assert.equal(spaced.status, 200);
    assert.deepEqual(spaced.json.items.map((c) => c.id), plain.json.items.map((c) => c.id));
  });

  test('full-text syntax in queries is taken literally, never an error', async () => {
    const c = await createCustomer(admin, { name: '特殊"符号" a*b OR NEAR 公司' });
    for (const text of ['"', '"符号"', '号" a*', 'a*b', 'OR NEAR', 'NEAR(a b)', '*', '(((', 'a:b', '^ab', '%', '_', "'; DROP TABLE customer; --"]) {
      const r = await admin('GET', `/api/v1/customers?${q({ q: text })}`);
      assert.equal(r.status, 200, `${text}: ${r.text}`);
    }
    assert.deepEqual((await search(admin, '"符号"')).map((x) => x.id), [c.id]);
    assert.deepEqual((await search(admin, 'a*b OR')).map((x) => x.id), [c.id]);
    assert.deepEqual(await search(admin, 'NEAR(a b)'), []);
    assert.equal((await admin('DELETE', `/api/v1/customers/${c.id}`)).status, 204);
  });

  test('no match → empty items and next null', async () => {
    const r = await admin('GET', `/api/v1/customers?${q({ q: '不存在的名字' })}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { items: [], next: null });
  });

  test('a query over 100 characters → 400 naming q', async () => {
    assertProblem(await admin('GET', `/api/v1/customers?${q({ q: '长'.repeat(101) })}`), 400, 'q');
  });

  test('a rename is searchable under the new name only', async () => {
    const c = await createCustomer(admin, { name: '旧名字贸易公司' });
    const r = await admin('PATCH', `/api/v1/customers/${c.id}`, { name: '新名称实业公司' }, { 'if-match': '"1"' });
    assert.equal(r.status, 200);
    assert.deepEqual(await search(admin, '旧名字'), []);
    assert.deepEqual(await search(admin, '旧名'), []);
    assert.deepEqual((await search(admin, '新名称')).map((x) => x.id), [c.id]);
    assert.deepEqual((await search(admin, '实业')).map((x) => x.id), [c.id]);
  });
});

describe('keyset pagination', () => {
  const N = 120;
  let ids;
  before(async () => {
    const made = await parallel(Array.from({ length: N }, (_, i) => i), 8, (i) =>
      createCustomer(admin, { name: `分页测试${String(i).padStart(3, '0')}号 PGX`, tags: ['page120'] }));
    ids = new Set(made.map((c) => c.id));
    // Touch a few so updated_at order differs from created_at order.
    for (const c of made.slice(0, 5)) {
      const r = await admin('PATCH', `/api/v1/customers/${c.id}`, { industry: '更新过' }, { 'if-match': '"1"' });
      assert.equal(r.status, 200);
    }
  });

  const cmpKey = {
    '-updated_at': (a, b) => b.updated_at.localeCompare(a.updated_at) || b.id - a.id,
    'updated_at': (a, b) => a.updated_at.localeCompare(b.updated_at) || a.id - b.id,
    '-created_at': (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id,
    'created_at': (a, b) => a.created_at.localeCompare(b.created_at) || a.id - b.id,
  };

  for (const sort of ['-updated_at', 'updated_at', 'name', '-name', '-created_at', 'created_at']) {
    test(`sort=${sort}: limit 50 gives 50/50/20, no duplicates, next null at the end, ordered`, async () => {
      const { items, pages } = await listAll(admin, `/api/v1/customers?${q({ tag: 'page120', sort })}`, { limit: 50 });
      assert.deepEqual(pages, [50, 50, 20]);
      const seen = new Set(items.map((c) => c.id));
      assert.equal(seen.size, N, 'no duplicates');
      assert.deepEqual([...seen].sort(), [...ids].sort(), 'exactly the tagged customers');
      if (sort === 'name' || sort === '-name') {
        const expected = items.map((c) => c.name).sort();
        if (sort === '-name') expected.reverse();
        assert.deepEqual(items.map((c) => c.name), expected);
      } else {
        const sorted = [...items].sort(cmpKey[sort]);
        assert.deepEqual(items.map((c) => c.id), sorted.map((c) => c.id));
      }
    });
  }

  test('default sort is -updated_at: the most recently touched come first', async () => {
    const r = await admin('GET', `/api/v1/customers?${q({ tag: 'page120', limit: 200 })}`);
    const byDefault = r.json.items.map((c) => c.id);
    const { items } = await listAll(admin, `/api/v1/customers?${q({ tag: 'page120', sort: '-updated_at' })}`, { limit: 200 });
    assert.deepEqual(byDefault, items.map((c) => c.id));
  });

  test('search results paginate too (1-2 char, 3+ char and ASCII queries)', async () => {
    for (const text of ['分页', '分页测试', '页测试', 'pgx', 'PG', '分页 pgx']) {
      const { items, pages } = await listAll(admin, `/api/v1/customers?${q({ q: text })}`, { limit: 50 });
      assert.deepEqual(pages, [50, 50, 20], `q=${text}`);
      assert.equal(new Set(items.map((c) => c.id)).size, N, `q=${text}: no duplicates`);
    }
    const { items, pages } = await listAll(admin, `/api/v1/customers?${q({ q: '分页测试1' })}`, { limit: 7 });
    assert.equal(items.length, 20, 'names 100..119');
    assert.equal(new Set(items.map((c) => c.id)).size, 20);
    assert.deepEqual(pages, [7, 7, 6]);
  });

  test('limit=200 returns all 120 on one page; limit=120 exactly has next null', async () => {
    let r = await admin('GET', `/api/v1/customers?${q({ tag: 'page120', limit: 200 })}`);
    assert.equal(r.json.items.length, 120);
    assert.equal(r.json.next, null);
    r = await admin('GET', `/api/v1/customers?${q({ tag: 'page120', limit: 120 })}`);
    assert.equal(r.json.items.length, 120);
    assert.equal(r.json.next, null);
  });

  test('ties in the sort key are broken by id, across pages', async () => {
    const same = [];
    for (let i = 0; i < 5; i++) same.push((await createCustomer(admin, { name: '同名公司', tags: ['samename'] })).id);
    const asc = await listAll(admin, `/api/v1/customers?${q({ tag: 'samename', sort: 'name' })}`, { limit: 2 });
    assert.deepEqual(asc.pages, [2, 2, 1]);
    assert.deepEqual(asc.items.map((c) => c.id), [...same].sort((a, b) => a - b));
    const desc = await listAll(admin, `/api/v1/customers?${q({ tag: 'samename', sort: '-name' })}`, { limit: 2 });
    assert.deepEqual(desc.items.map((c) => c.id), [...same].sort((a, b) => b - a));
    const created = await listAll(admin, `/api/v1/customers?${q({ tag: 'samename', sort: 'created_at' })}`, { limit: 1 });
    assert.deepEqual(created.items.map((c) => c.id), [...same].sort((a, b) => a - b));
  });

  test('default page size is 50', async () => {
    const r = await admin('GET', `/api/v1/customers?${q({ tag: 'page120' })}`);
    assert.equal(r.json.items.length, 50);
    assert.equal(typeof r.json.next, 'string');
  });

  test('pagination is stable while records change under it', async () => {
    const first = await admin('GET', `/api/v1/customers?${q({ tag: 'page120', sort: 'created_at', limit: 50 })}`);
    // A new customer created meanwhile sorts after all existing ones.
    const extra = await createCustomer(admin, { name: '分页测试追加', tags: ['page120'] });
    const { items } = await listAll(admin, `/api/v1/customers?${q({ tag: 'page120', sort: 'created_at' })}`, { limit: 50, after: first.json.next });
    const all = [...first.json.items, ...items];
    assert.equal(new Set(all.map((c) => c.id)).size, all.length, 'no duplicates');
    assert.equal(all.length, N + 1);
    assert.equal(all.at(-1).id, extra.id);
    const d = await admin('DELETE', `/api/v1/customers/${extra.id}`);
    assert.equal(d.status, 204);
  });
});

describe('name sort is pinyin order', () => {
  const cities = ['阿里巴巴', '北京', '成都', '大连', '鄂尔多斯', '福州', '广州', '杭州', '济南', '昆明',
    '兰州', '南京', '青岛', '上海', '天津', '武汉', '西安', '银川', '郑州'];
  before(async () => {
    const shuffled = [...cities].sort(() => Math.random() - 0.5);
    for (const name of shuffled) await createCustomer(admin, { name, tags: ['pinyin'] });
    await createCustomer(admin, { name: '重庆', tags: ['pinyin2'] });
  });

  test('sort=name orders by pinyin, -name reverses it', async () => {
    let r = await admin('GET', `/api/v1/customers?${q({ tag: 'pinyin', sort: 'name', limit: 100 })}`);
    assert.deepEqual(r.json.items.map((c) => c.name), cities);
    r = await admin('GET', `/api/v1/customers?${q({ tag: 'pinyin', sort: '-name', limit: 100 })}`);
    assert.deepEqual(r.json.items.map((c) => c.name), [...cities].reverse());
  });

  test('paging through the name sort keeps pinyin order', async () => {
    const { items, pages } = await listAll(admin, `/api/v1/customers?${q({ tag: 'pinyin', sort: 'name' })}`, { limit: 4 });
    assert.deepEqual(pages, [4, 4, 4, 4, 3]);
    assert.deepEqual(items.map((c) => c.name), cities);
  });

  test('阿里 < 北京 < 重庆 and 重庆 < 郑州 hold in the combined order', async () => {
    const { items } = await listAll(admin, `/api/v1/customers?${q({ sort: 'name' })}`, { limit: 200 });
    const pos = (n) => items.findIndex((c) => c.name === n);
    for (const n of ['阿里巴巴', '北京', '重庆', '郑州']) assert.ok(pos(n) >= 0, n);
    assert.ok(pos('阿里巴巴') < pos('北京'));
    assert.ok(pos('北京') < pos('重庆'));
    assert.ok(pos('成都') < pos('上海'));
  });
});

describe('filters', () => {
  let c1, c2, c3, c4;
  before(async () => {
    c1 = await createCustomer(admin, { name: '过滤甲', tags: ['flt', '制造'], source: 'referral', province: '江苏省', relationship: 'current', lifecycle_stage: 'stability' });
    c2 = await createCustomer(admin, { name: '过滤乙', tags: ['flt'], source: 'exhibition', province: '江苏省', relationship: 'target', lifecycle_stage: 'formation' });
    c3 = await createCustomer(admin, { name: '过滤丙', tags: ['flt', '制造'], source: 'referral', province: '广东省', relationship: 'target', lifecycle_stage: 'stability', owner_user_id: env.ids.rep });
    c4 = await createCustomer(admin, { name: '过滤丁', tags: ['flt'], source: 'online', province: '广东省', relationship: 'lost', lifecycle_stage: 'lost' });
  });
  const ids = async (params) => {
    const r = await admin('GET', `/api/v1/customers?${q({ tag: 'flt', limit: 200, ...params })}`);
    assert.equal(r.status, 200, r.text);
    return r.json.items.map((c) => c.id).sort((a, b) => a - b);
  };
  const sorted = (...cs) => cs.map((c) => c.id).sort((a, b) => a - b);

  test('tag', async () => {
    assert.deepEqual(await ids({}), sorted(c1, c2, c3, c4));
    assert.deepEqual(await ids({ tag: '制造' }), sorted(c1, c3));
    assert.deepEqual(await ids({ tag: '没有这个标签' }), []);
  });
  test('source', async () => { assert.deepEqual(await ids({ source: 'referral' }), sorted(c1, c3)); });
  test('province', async () => { assert.deepEqual(await ids({ province: '广东省' }), sorted(c3, c4)); });
  test('relationship', async () => { assert.deepEqual(await ids({ relationship: 'target' }), sorted(c2, c3)); });
  test('stage', async () => { assert.deepEqual(await ids({ stage: 'stability' }), sorted(c1, c3)); });
  test('owner', async () => {
    assert.deepEqual(await ids({ owner: String(env.ids.rep) }), sorted(c3));
    assert.deepEqual(await ids({ owner: String(env.ids.boss) }), []);
  });
  test('combined filters are ANDed', async () => {
    assert.deepEqual(await ids({ province: '江苏省', relationship: 'current' }), sorted(c1));
    assert.deepEqual(await ids({ source: 'referral', province: '广东省', stage: 'stability' }), sorted(c3));
    assert.deepEqual(await ids({ q: '过滤', province: '广东省' }), sorted(c3, c4));
  });
  test('invalid filter values → 400 naming the parameter', async () => {
    assertProblem(await admin('GET', '/api/v1/customers?relationship=friend'), 400, 'relationship');
    assertProblem(await admin('GET', '/api/v1/customers?stage=old'), 400, 'stage');
    assertProblem(await admin('GET', '/api/v1/customers?owner=abc'), 400, 'owner');
    assertProblem(await admin('GET', '/api/v1/customers?archived=yes'), 400, 'archived');
    assertProblem(await admin('GET', '/api/v1/customers?sort=price'), 400, 'sort');
  });

  test('archive hides from the default list; archived=true/all show it; restore brings it back', async () => {
    let r = await admin('POST', `/api/v1/customers/${c4.id}/archive`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.archived, true);
    assert.equal(r.json.version, 2);
    assert.equal(r.headers.get('etag'), '"2"');
    assert.deepEqual(await ids({}), sorted(c1, c2, c3));
    assert.deepEqual(await ids({ archived: 'false' }), sorted(c1, c2, c3));
    assert.deepEqual(await ids({ archived: 'true' }), sorted(c4));
    assert.deepEqual(await ids({ archived: 'all' }), sorted(c1, c2, c3, c4));
    assert.deepEqual(await search(admin, '过滤丁'), [], 'search hides archived too');
    assert.equal((await search(admin, '过滤丁', { archived: 'all' })).length, 1);
    // GET by id still works and shows archived.
    r = await admin('GET', `/api/v1/customers/${c4.id}`);
    assert.equal(r.json.archived, true);
    // Archiving twice is a no-op.
    r = await admin('POST', `/api/v1/customers/${c4.id}/archive`);
    assert.equal(r.status, 200);
    assert.equal(r.json.version, 2);
    r = await admin('POST', `/api/v1/customers/${c4.id}/restore`);
    assert.equal(r.status, 200);
    assert.equal(r.json.archived, false);
    assert.equal(r.json.version, 3);
    assert.deepEqual(await ids({}), sorted(c1, c2, c3, c4));
    assert.deepEqual(await ids({ archived: 'true' }), []);
  });

  test('archive/restore of an unknown id → 404', async () => {
    assertProblem(await admin('POST', '/api/v1/customers/999999/archive'), 404);
    assertProblem(await admin('POST', '/api/v1/customers/999999/restore'), 404);
  });
});

describe('delete', () => {
  test('sales may not delete even their own customer (403); admin deletes (204); then 404', async () => {
    const c = await createCustomer(sales, { name: '待删除客户' });
    const contact = await sales('POST', '/api/v1/contacts', { customer_id: c.id, name: '待删除联系人' });
    assert.equal(contact.status, 201, contact.text);
    assertProblem(await sales('DELETE', `/api/v1/customers/${c.id}`), 403);
    assert.equal((await sales('GET', `/api/v1/customers/${c.id}`)).status, 200, 'still there after the 403');
    const d = await admin('DELETE', `/api/v1/customers/${c.id}`);
    assert.equal(d.status, 204);
    assert.equal(d.text, '');
    assertProblem(await admin('GET', `/api/v1/customers/${c.id}`), 404);
    assertProblem(await admin('DELETE', `/api/v1/customers/${c.id}`), 404);
    assertProblem(await admin('PATCH', `/api/v1/customers/${c.id}`, { name: 'x' }, { 'if-match': '"1"' }), 404);
    assertProblem(await admin('GET', `/api/v1/customers/${c.id}/contacts`), 404);
    assertProblem(await admin('GET', `/api/v1/contacts/${contact.json.id}`), 404, undefined);
    assert.deepEqual(await search(admin, '待删除客户', { archived: 'all' }), []);
  });

  test('ids of deleted customers and contacts are never reused', async () => {
    const c = await createCustomer(admin, { name: '最新客户将被删除' });
    const ct = await admin('POST', '/api/v1/contacts', { customer_id: c.id, name: '最新联系人将被删除' });
    assert.equal(ct.status, 201);
    assert.equal((await admin('DELETE', `/api/v1/contacts/${ct.json.id}`)).status, 204);
    assert.equal((await admin('DELETE', `/api/v1/customers/${c.id}`)).status, 204);
    const next = await createCustomer(admin, { name: '后来的客户' });
    const nextContact = await admin('POST', '/api/v1/contacts', { customer_id: next.id, name: '后来的联系人' });
    // Reusing the id would let a stale client (GET /customers/ID, If-Match: "1")
    // read or overwrite a different record, and would merge two audit trails.
    const reused = [];
    if (next.id === c.id) reused.push(`customer id ${c.id}`);
    if (nextContact.json.id === ct.json.id) reused.push(`contact id ${ct.json.id}`);
    assert.deepEqual(reused, [], `reused after delete: ${reused.join(', ')}`);
    assertProblem(await admin('GET', `/api/v1/customers/${c.id}`), 404);
    assertProblem(await admin('PATCH', `/api/v1/customers/${c.id}`, { name: '陈旧客户端的修改' }, { 'if-match': '"1"' }), 404);
    assert.equal((await admin('GET', `/api/v1/customers/${next.id}`)).json.name, '后来的客户');
  });
});

describe('concurrency', () => {
  // Actions on this customer, newest first, up to its create (ignoring rows of
  // any earlier record that had the same id).
  const auditActions = async (id) => {
    const actions = (await admin('GET', `/api/v1/audit?entity=customer&entity_id=${id}&limit=200`)).json.items.map((a) => a.action);
    return actions.slice(0, actions.indexOf('create') + 1);
  };

  test('20 concurrent PATCHes with the same If-Match: exactly one 200, the rest 409, one audit row', async () => {
    const c = await createCustomer(admin, { name: '并发二十' });
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      admin('PATCH', `/api/v1/customers/${c.id}`, { industry: `行业${i}` }, { 'if-match': '"1"' })));
    const statuses = rs.map((r) => r.status);
    assert.equal(statuses.filter((x) => x === 200).length, 1, statuses.join(','));
    assert.equal(statuses.filter((x) => x === 409).length, 19, statuses.join(','));
    const winner = rs.find((r) => r.status === 200).json;
    const g = await admin('GET', `/api/v1/customers/${c.id}`);
    assert.equal(g.json.version, 2);
    assert.equal(g.json.industry, winner.industry);
    assert.deepEqual(await auditActions(c.id), ['update', 'create']);
  });

  test('20 concurrent creates with the same external_id: one 201, the rest 409 (never 500)', async () => {
    const rs = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      admin('POST', '/api/v1/customers', { kind: 'organization', name: `同号${i}`, external_id: 'RACE-1' })));
    const statuses = rs.map((r) => r.status);
    assert.equal(statuses.filter((x) => x === 201).length, 1, statuses.join(','));
    for (const r of rs.filter((x) => x.status !== 201)) assertProblem(r, 409);
  });

  test('concurrent archive requests (no If-Match) all succeed: archive is idempotent', async () => {
    const refused = [];
    for (let round = 0; round < 5; round++) {
      const c = await createCustomer(admin, { name: `并发归档${round}` });
      const rs = await Promise.all(Array.from({ length: 10 }, () => admin('POST', `/api/v1/customers/${c.id}/archive`)));
      const g = await admin('GET', `/api/v1/customers/${c.id}`);
      assert.equal(g.json.archived, true);
      assert.equal(g.json.version, 2);
      assert.deepEqual(await auditActions(c.id), ['archive', 'create']);
      for (const r of rs) {
        if (r.status !== 200) refused.push(`${r.status} ${r.json?.detail}`);
        else assert.equal(r.json.archived, true);
      }
    }
    assert.deepEqual(refused, [], `archive takes no If-Match, yet ${refused.length} of 50 were refused`);
  });

  test('archive racing a PATCH: the archive (which sent no version) is never refused', async () => {
    const refused = [];
    for (let round = 0; round < 10; round++) {
      const c = await createCustomer(admin, { name: `归档与修改${round}` });
      // Stagger the archive a little so that the PATCH sometimes commits in between
      // the archive's read and its write.
      const [p, a] = await Promise.all([
        admin('PATCH', `/api/v1/customers/${c.id}`, { industry: '并发' }, { 'if-match': '"1"' }),
        new Promise((r) => setTimeout(r, round % 4)).then(() => admin('POST', `/api/v1/customers/${c.id}/archive`)),
      ]);
      const g = await admin('GET', `/api/v1/customers/${c.id}`);
      if (a.status !== 200) refused.push(`${a.status} ${a.json?.detail}`);
      else assert.equal(g.json.archived, true);
      if (p.status === 200) assert.equal(g.json.industry, '并发');
      else assertProblem(p, 409);
    }
    assert.deepEqual(refused, [], `${refused.length} of 10 archives refused`);
  });

  test('concurrent DELETEs: one 204, the rest 404; one audit row', async () => {
    const c = await createCustomer(admin, { name: '并发删除' });
    const rs = await Promise.all(Array.from({ length: 10 }, () => admin('DELETE', `/api/v1/customers/${c.id}`)));
    const statuses = rs.map((r) => r.status).sort();
    assert.deepEqual(statuses, [204, ...Array(9).fill(404)]);
    assert.deepEqual(await auditActions(c.id), ['delete', 'create']);
  });
});
