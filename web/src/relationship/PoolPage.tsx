// The public pool (公海): customers without an owner. Everyone sees it; sales
// reps and managers claim (up to their limit, shown as "held N / limit M");
// managers and admins select rows and assign them to a member; admins and
// managers see the return rules (admins change them and the claim limits).
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Card, Empty, Input, Space, Table, Tag, Typography } from 'antd';
import type { CheckboxProps } from 'antd';
import { Link } from 'react-router-dom';
import { api, qs } from '../api';
import { useUser } from '../auth';
import { useRefData } from '../data';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { Customer } from '../types';
import { FilterSelect } from '../components/FilterSelect';
import { PoolRulesCard } from './PoolRulesCard';

interface PoolPageData {
  items: Customer[];
  next: string | null;
  holding: { held: number; limit: number | null };
}

interface Outcome {
  transferred: number;
  tasks_moved: number;
  opportunities_moved: number;
}

export default function PoolPage() {
  const { t, fmtTime } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const { users } = useRefData();
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState('');
  const [data, setData] = useState<PoolPageData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [assignee, setAssignee] = useState<number | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const canClaim = user.role === 'admin' || user.role === 'manager' || user.role === 'sales';
  const canAssign = user.role === 'admin' || user.role === 'manager';

  const load = useCallback(async (after: string | null) => {
    setError(null);
    try {
      const page = await api.get<PoolPageData>(`/pool${qs({ q: query, after, limit: 50 })}`);
      setData((prev) => (after && prev ? { ...page, items: [...prev.items, ...page.items] } : page));
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [query, t]);

  useEffect(() => {
    setSelected([]);
    void load(null);
  }, [load]);

  const members = useMemo(
    () => users.filter((u) => !u.disabled && (u.role === 'sales' || u.role === 'manager' || u.role === 'admin') &&
      (user.role === 'admin' || u.id === user.id || (user.team_id !== null && u.team_id === user.team_id))),
    [users, user],
  );

  const act = async (path: string, body: unknown, done: (o: Outcome) => string) => {
    setBusy(true);
    setError(null);
    try {
      const o = await api.post<Outcome>(path, body);
      message.success(done(o));
      setSelected([]);
      await load(null);
    } catch (e) {
      setError(errorMessage(t, e));
      await load(null);
    } finally {
      setBusy(false);
    }
  };
  const claim = (ids: number[]) => act('/pool/claim', { customer_ids: ids }, (o) => t('pool.claimed', { count: o.transferred }));
  const assign = () => act('/pool/assign', { customer_ids: selected, user_id: assignee },
    (o) => t('pool.assigned', { count: o.transferred }));

  const holding = data?.holding;
  return (
    <>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24 }}>{t('pool.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('pool.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }} align="center">
        <Input.Search
          addonBefore={t('pool.search')}
          aria-label={t('pool.search')}
          allowClear
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onSearch={(v) => setQuery(v.trim())}
          style={{ width: 320 }}
          data-testid="pool-search"
        />
        {holding && canClaim && (
          <Tag color="blue" data-testid="pool-holding">
            {holding.limit === null
              ? t('pool.holdingUnlimited', { held: holding.held })
              : t('pool.holding', { held: holding.held, limit: holding.limit })}
          </Tag>
        )}
        {canClaim && (
          <Button disabled={selected.length === 0 || busy} onClick={() => void claim(selected)} data-testid="pool-claim-selected">
            {t('pool.claimSelected', { count: selected.length })}
          </Button>
        )}
        {canAssign && (
          <>
            <FilterSelect<number>
              label={t('pool.assignTo')}
              style={{ minWidth: 220 }}
              value={assignee}
              onChange={setAssignee}
              options={members.map((u) => ({ value: u.id, label: u.display_name || u.login }))}
              data-testid="pool-assignee"
            />
            <Button
              type="primary"
              disabled={selected.length === 0 || assignee === undefined || busy}
              onClick={() => void assign()}
              data-testid="pool-assign"
            >
              {t('pool.assign', { count: selected.length })}
            </Button>
          </>
        )}
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Card>
        <Table<Customer>
          rowKey="id"
          size="middle"
          loading={!data}
          dataSource={data?.items ?? []}
          pagination={false}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pool.empty')} /> }}
          rowSelection={canClaim ? {
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys.map(Number)),
            // antd passes extra props to the <input>; its type does not list aria-label.
            getCheckboxProps: (c) => ({ 'aria-label': c.name }) as unknown as CheckboxProps,
          } : undefined}
          columns={[
            { title: t('pool.col.name'), dataIndex: 'name', render: (name: string, c) => <Link to={`/customers/${c.id}`}>{name}</Link> },
            { title: t('pool.col.province'), dataIndex: 'province' },
            { title: t('pool.col.source'), dataIndex: 'source' },
            { title: t('pool.col.updated'), dataIndex: 'updated_at', render: (v: string) => fmtTime(v) },
            ...(canClaim ? [{
              title: t('pool.col.action'),
              key: 'action',
              render: (_: unknown, c: Customer) => (
                <Button size="small" disabled={busy} onClick={() => void claim([c.id])} data-testid={`pool-claim-${c.id}`}
                  aria-label={`${t('pool.claim')} ${c.name}`}>
                  {t('pool.claim')}
                </Button>
              ),
            }] : []),
          ]}
        />
        {data?.next && (
          <Button style={{ marginTop: 12 }} onClick={() => void load(data.next)}>{t('pool.more')}</Button>
        )}
      </Card>
      {canAssign && <PoolRulesCard editable={user.role === 'admin'} />}
    </>
  );
}
