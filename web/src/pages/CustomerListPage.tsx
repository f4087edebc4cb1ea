// Customer list: search (q), filters, sort, keyset "load more", and the
// "new customer" drawer. Filters live in the URL so reload and links keep them.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Alert, App, Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { FilterSelect } from '../components/FilterSelect';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router-dom';
import { api, qs } from '../api';
import { canWriteCustomers, useUser } from '../auth';
import { CreateCustomerDrawer } from '../components/CustomerDrawers';
import { useOptions } from '../components/CustomerFields';
import { useRefData } from '../data';
import { errorMessage } from '../errors';
import { useDebounced } from '../hooks';
import { useI18n, type MessageKey } from '../i18n';
import type { Customer, Page } from '../types';
import type { CustomerListMetrics } from '../analyticsTypes';
import { RFM_CLASSES, TIERS } from '../analyticsTypes';
import { classLabel, formatProb, tierLabel } from '../analytics/labels';
import { formatFen, formatRate } from '../money';

/** A list item; `metrics` is present once an analytics run covered the customer. */
type Row = Customer & { metrics?: CustomerListMetrics | null };

const P_ALIVE_CHOICES = ['0.1', '0.3', '0.5'];

const PAGE_SIZE = 50;
const FILTER_KEYS = ['q', 'owner', 'tag', 'source', 'province', 'relationship', 'stage', 'archived', 'rfm_class', 'tier', 'p_alive_lt', 'churn_risk', 'sort'] as const;
type FilterKey = (typeof FILTER_KEYS)[number];

const SORTS: { value: string; key: MessageKey }[] = [
  { value: '-updated_at', key: 'list.sortUpdatedDesc' },
  { value: 'updated_at', key: 'list.sortUpdatedAsc' },
  { value: 'name', key: 'list.sortNameAsc' },
  { value: '-name', key: 'list.sortNameDesc' },
  { value: '-created_at', key: 'list.sortCreatedDesc' },
  { value: 'created_at', key: 'list.sortCreatedAsc' },
  { value: 'clv_desc', key: 'list.sortClvDesc' },
];

export default function CustomerListPage() {
  const { t, label, fmtTime } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const { meta, users } = useRefData();
  const options = useOptions();
  const [params, setParams] = useSearchParams();

  const filters = useMemo(() => {
    const f = {} as Record<FilterKey, string>;
    for (const k of FILTER_KEYS) f[k] = params.get(k) ?? '';
    return f;
  }, [params]);

  const setFilter = useCallback(
    (key: FilterKey, value: string | undefined) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (value) next.set(key, value);
          else next.delete(key);
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );

  // Free-text inputs update the URL once typing pauses.
  const [qInput, setQInput] = useState(filters.q);
  const [tagInput, setTagInput] = useState(filters.tag);
  const qDebounced = useDebounced(qInput, 300);
  const tagDebounced = useDebounced(tagInput, 300);
  useEffect(() => {
    if (qDebounced.trim() !== filters.q) setFilter('q', qDebounced.trim());
  }, [qDebounced]);
  useEffect(() => {
    if (tagDebounced.trim() !== filters.tag) setFilter('tag', tagDebounced.trim());
  }, [tagDebounced]);

  const [items, setItems] = useState<Row[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const seq = useRef(0);

  const query = useMemo(
    () => ({
      q: filters.q,
      owner: filters.owner,
      tag: filters.tag,
      source: filters.source,
      province: filters.province,
      relationship: filters.relationship,
      stage: filters.stage,
      archived: filters.archived || 'false',
      rfm_class: filters.rfm_class,
      tier: filters.tier,
      p_alive_lt: filters.p_alive_lt,
      churn_risk: filters.churn_risk,
      sort: filters.q ? '' : filters.sort,
      limit: PAGE_SIZE,
    }),
    [filters],
  );

  const load = useCallback(
    async (after: string | null) => {
      const my = ++seq.current;
      setLoading(true);
      setError(null);
      try {
        const page = await api.get<Page<Row>>(`/customers${qs({ ...query, after })}`);
        if (my !== seq.current) return;
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setNext(page.next ?? null);
      } catch (e) {
        if (my !== seq.current) return;
        setError(errorMessage(t, e));
        if (!after) setItems([]);
      } finally {
        if (my === seq.current) setLoading(false);
      }
    },
    [query, t],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  const hasFilters = FILTER_KEYS.some((k) => k !== 'sort' && filters[k] !== '');

  const hasMetrics = items.some((c) => c.metrics);
  const columns: ColumnsType<Row> = [
    {
      title: t('customer.name'),
      dataIndex: 'name',
      key: 'name',
      render: (name: string, c) => (
        <Space size={4}>
          <Link to={`/customers/${c.id}`} data-testid="customer-link">
            {name}
          </Link>
          {c.archived && <Tag>{t('customer.archived')}</Tag>}
        </Space>
      ),
    },
    { title: t('customer.kind'), dataIndex: 'kind', key: 'kind', render: (v: string) => label('kind', v) },
    {
      title: t('customer.region'),
      key: 'region',
      render: (_: unknown, c) => [c.province, c.city].filter(Boolean).join(' / ') || t('common.none'),
    },
    { title: t('customer.owner'), dataIndex: 'owner_name', key: 'owner', render: (v: string) => v || t('customer.noOwner') },
    { title: t('customer.relationship'), dataIndex: 'relationship', key: 'relationship', render: (v: string) => label('relationship', v) },
    { title: t('customer.lifecycleStage'), dataIndex: 'lifecycle_stage', key: 'stage', render: (v: string) => label('lifecycle_stage', v) },
    {
      title: t('customer.tags'),
      dataIndex: 'tags',
      key: 'tags',
      render: (tags: string[]) =>
        tags.length ? (
          <Space size={[0, 4]} wrap>
            {tags.map((tag) => (
              <Tag key={tag}>{tag}</Tag>
            ))}
          </Space>
        ) : (
          t('common.none')
        ),
    },
    ...(hasMetrics
      ? [
          { title: t('list.rfmClass'), key: 'rfm_class', render: (_: unknown, c: Row) => <span data-testid="customer-rfm-class">{classLabel(t, c.metrics?.rfm_class)}</span> },
          { title: t('list.tier'), key: 'tier', render: (_: unknown, c: Row) => tierLabel(t, c.metrics?.tier) },
          { title: t('list.clv'), key: 'clv', align: 'right' as const, render: (_: unknown, c: Row) => formatFen(c.metrics?.clv) },
          { title: t('ana.clv.pAlive'), key: 'p_alive', align: 'right' as const, render: (_: unknown, c: Row) => formatProb(c.metrics?.p_alive) },
        ]
      : []),
    { title: t('customer.updatedAt'), dataIndex: 'updated_at', key: 'updated_at', render: (v: string) => fmtTime(v) },
  ];

  const ownerOptions = users.map((u) => ({ value: String(u.id), label: u.display_name || u.login }));

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }}>
          {t('list.title')}
        </Typography.Title>
        <Space>
          <Link to="/duplicates" data-testid="duplicates-link">{t('dedup.link')}</Link>
          {canWriteCustomers(user.role) && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="new-customer">
              {t('list.new')}
            </Button>
          )}
        </Space>
      </Space>

      <section aria-label={t('list.filters')} className="gx-filters" style={{ marginBottom: 16 }}>
        <Space wrap>
          <Input.Search
            aria-label={t('list.search')}
            placeholder={t('list.searchPlaceholder')}
            allowClear
            value={qInput}
            onChange={(e) => setQInput(e.target.value)}
            onSearch={(v) => {
              setQInput(v);
              setFilter('q', v.trim());
            }}
            style={{ width: 320 }}
            data-testid="customer-search"
          />
          <Select
            aria-label={t('list.filterOwner')}
            placeholder={t('customer.owner')}
            allowClear
            showSearch
            optionFilterProp="label"
            value={filters.owner || undefined}
            onChange={(v?: string) => setFilter('owner', v)}
            options={ownerOptions}
          />
          <Input
            aria-label={t('list.filterTag')}
            placeholder={t('list.tagPlaceholder')}
            allowClear
            value={tagInput}
            onChange={(e) => setTagInput(e.target.value)}
            style={{ width: 150 }}
          />
          <Select
            aria-label={t('list.filterSource')}
            placeholder={t('customer.source')}
            allowClear
            value={filters.source || undefined}
            onChange={(v?: string) => setFilter('source', v)}
            options={options('source', meta.sources)}
          />
          <Select
            aria-label={t('list.filterProvince')}
            placeholder={t('customer.province')}
            allowClear
            showSearch
            value={filters.province || undefined}
            onChange={(v?: string) => setFilter('province', v)}
            options={meta.provinces.map((p) => ({ value: p, label: p }))}
          />
          <Select
            aria-label={t('list.filterRelationship')}
            placeholder={t('customer.relationship')}
            allowClear
            value={filters.relationship || undefined}
            onChange={(v?: string) => setFilter('relationship', v)}
            options={options('relationship', meta.relationships)}
          />
          <Select
            aria-label={t('list.filterStage')}
            placeholder={t('customer.lifecycleStage')}
            allowClear
            value={filters.stage || undefined}
            onChange={(v?: string) => setFilter('stage', v)}
            options={options('lifecycle_stage', meta.lifecycle_stages)}
          />
          <Select
            aria-label={t('list.filterArchived')}
            value={filters.archived || 'false'}
            onChange={(v: string) => setFilter('archived', v === 'false' ? '' : v)}
            options={[
              { value: 'false', label: t('list.archivedActive') },
              { value: 'true', label: t('list.archivedArchived') },
              { value: 'all', label: t('list.archivedAll') },
            ]}
          />
          <FilterSelect
            label={t('list.rfmClass')}
            aria-label={t('list.filterRfmClass')}
            allowClear
            value={filters.rfm_class || undefined}
            onChange={(v?: string) => setFilter('rfm_class', v)}
            options={RFM_CLASSES.map((k) => ({ value: k, label: classLabel(t, k) }))}
            style={{ minWidth: 140 }}
          />
          <FilterSelect
            label={t('list.tier')}
            aria-label={t('list.filterTier')}
            allowClear
            value={filters.tier || undefined}
            onChange={(v?: string) => setFilter('tier', v)}
            options={TIERS.map((k) => ({ value: k, label: tierLabel(t, k) }))}
          />
          <FilterSelect
            label={t('ana.clv.pAlive')}
            aria-label={t('list.filterPAlive')}
            allowClear
            value={filters.p_alive_lt || undefined}
            onChange={(v?: string) => setFilter('p_alive_lt', v)}
            options={P_ALIVE_CHOICES.map((p) => ({ value: p, label: t('list.pAliveBelow', { p: formatRate(Number(p)) }) }))}
          />
          <FilterSelect
            label={t('ana.metrics.churnRisk')}
            aria-label={t('list.filterChurnRisk')}
            allowClear
            value={filters.churn_risk || undefined}
            onChange={(v?: string) => setFilter('churn_risk', v)}
            options={[{ value: 'true', label: t('list.churnRiskOnly') }]}
          />
          <Select
            aria-label={t('list.sort')}
            value={filters.sort || '-updated_at'}
            disabled={!!filters.q}
            title={filters.q ? t('list.sortIgnored') : undefined}
            onChange={(v: string) => setFilter('sort', v === '-updated_at' ? '' : v)}
            options={SORTS.map((s) => ({ value: s.value, label: t(s.key) }))}
            style={{ minWidth: 170 }}
          />
          {hasFilters && (
            <Button
              onClick={() => {
                setQInput('');
                setTagInput('');
                setParams(filters.sort ? { sort: filters.sort } : {}, { replace: true });
              }}
            >
              {t('list.clearFilters')}
            </Button>
          )}
        </Space>
      </section>

      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}

      <Table<Row>
        rowKey="id"
        columns={columns}
        dataSource={items}
        loading={loading}
        pagination={false}
        size="middle"
        scroll={{ x: 900 }}
        locale={{ emptyText: t('list.empty') }}
        data-testid="customer-table"
      />
      <div style={{ textAlign: 'center', marginTop: 16 }}>
        <Space direction="vertical">
          <Typography.Text type="secondary" data-testid="customer-count">
            {t('common.countShown', { n: items.length })}
          </Typography.Text>
          {next ? (
            <Button onClick={() => load(next)} loading={loading} data-testid="load-more">
              {t('common.loadMore')}
            </Button>
          ) : (
            items.length > 0 && <Typography.Text type="secondary">{t('common.noMore')}</Typography.Text>
          )}
        </Space>
      </div>

      <CreateCustomerDrawer
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          message.success(t('list.createdMessage', { name: c.name }));
          void load(null);
        }}
      />
    </>
  );
}
