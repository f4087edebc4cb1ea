// Duplicate customers (重复客户): candidate pairs side by side with their
// similarity and reasons; the user picks the customer to keep and merges
// (after a confirmation) or marks the pair "not duplicates". Below, the recent
// merges with 「撤销」 while their undo window lasts. ?customer=ID narrows the
// pairs to one customer (the customer page links here).
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Popconfirm, Radio, Row, Space, Table, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router-dom';
import { api, qs } from '../api';
import { useUser } from '../auth';
import { useRefData } from '../data';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { Customer } from '../types';
import { FilterSelect } from '../components/FilterSelect';

export interface DuplicatePair {
  a: number;
  b: number;
  score: number;
  reasons: ('phone' | 'email' | 'name')[];
  customer_a: Customer;
  customer_b: Customer;
}

interface Merge {
  id: number;
  survivor_id: number;
  survivor_name: string;
  merged_id: number;
  merged_name: string;
  at: number;
  undo_until: number;
  undone_at: number | null;
  undoable: boolean;
}

const SCORES = [0.5, 0.6, 0.7, 0.8, 0.9];
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export default function DuplicatesPage() {
  const { t, fmtTime } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const { userName } = useRefData();
  const [params] = useSearchParams();
  const only = params.get('customer');
  const [minScore, setMinScore] = useState(0.7);
  const [pairs, setPairs] = useState<DuplicatePair[] | null>(null);
  const [merges, setMerges] = useState<Merge[] | null>(null);
  const [keep, setKeep] = useState<Record<string, number>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const canWrite = user.role === 'admin' || user.role === 'manager' || user.role === 'sales';

  const load = useCallback(async () => {
    setError(null);
    try {
      const path = only ? `/customers/${only}/duplicates` : '/duplicates';
      const [p, m] = await Promise.all([
        api.get<{ items: DuplicatePair[] }>(`${path}${qs({ min_score: minScore, limit: only ? undefined : 100 })}`),
        api.get<{ items: Merge[] }>('/merges?limit=20'),
      ]);
      setPairs(p.items);
      setMerges(m.items);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [minScore, only, t]);

  useEffect(() => { void load(); }, [load]);

  const act = async (fn: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      message.success(await fn());
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
      await load();
    }
  };

  const keyOf = (p: DuplicatePair) => `${p.a}-${p.b}`;
  const survivorOf = (p: DuplicatePair) => keep[keyOf(p)] ?? p.a;
  const merge = (p: DuplicatePair) => act(async () => {
    const survivor = survivorOf(p);
    const merged = survivor === p.a ? p.b : p.a;
    const m = await api.post<Merge>(`/customers/${survivor}/merge`, { merged_id: merged });
    return t('dedup.merged', { merged: m.merged_name, survivor: m.survivor_name });
  });
  const dismiss = (p: DuplicatePair) => act(async () => {
    await api.post('/duplicates/dismiss', { a: p.a, b: p.b });
    return t('dedup.dismissed');
  });
  const undo = (m: Merge) => act(async () => {
    await api.post(`/merges/${m.id}/undo`);
    return t('dedup.undoneMsg');
  });

  const side = (p: DuplicatePair, c: Customer) => (
    <Col xs={24} md={12}>
      <Card
        size="small"
        data-testid={`dup-side-${c.id}`}
        title={<Link to={`/customers/${c.id}`}>{c.name}</Link>}
        extra={canWrite && (
          <Radio checked={survivorOf(p) === c.id} onChange={() => setKeep({ ...keep, [keyOf(p)]: c.id })}
            data-testid={`dup-keep-${c.id}`} aria-label={`${t('dedup.keep')} ${c.name}`}>
            {t('dedup.keep')}
          </Radio>
        )}
      >
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('dedup.field.phone')}>{c.phone || t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('dedup.field.email')}>{c.email || t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('dedup.field.owner')}>{userName(c.owner_user_id) || t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('dedup.field.province')}>{[c.province, c.city].filter(Boolean).join(' ') || t('common.none')}</Descriptions.Item>
          <Descriptions.Item label={t('dedup.field.created')}>{fmtTime(c.created_at)}</Descriptions.Item>
        </Descriptions>
      </Card>
    </Col>
  );

  return (
    <>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24 }}>{t('dedup.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('dedup.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 12 }}>
        <FilterSelect<number>
          label={t('dedup.minScore')}
          style={{ minWidth: 120 }}
          value={minScore}
          onChange={(v) => setMinScore(v ?? 0.7)}
          options={SCORES.map((s) => ({ value: s, label: `${Math.round(s * 100)}%` }))}
          data-testid="dup-min-score"
        />
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      {pairs && pairs.length === 0 && (
        <Card style={{ marginBottom: 12 }}><Typography.Text type="secondary">{t('dedup.empty')}</Typography.Text></Card>
      )}
      {(pairs ?? []).map((p) => {
        const survivor = survivorOf(p) === p.a ? p.customer_a : p.customer_b;
        const merged = survivor.id === p.a ? p.customer_b : p.customer_a;
        return (
          <Card key={keyOf(p)} style={{ marginBottom: 12 }} data-testid={`dup-pair-${p.a}-${p.b}`}
            title={<Space wrap>
              <Tag color="blue">{t('dedup.score', { score: `${Math.round(p.score * 100)}%` })}</Tag>
              {p.reasons.map((r) => <Tag key={r}>{t(`dedup.reason.${r}`)}</Tag>)}
            </Space>}
            extra={canWrite && (
              <Space>
                <Popconfirm
                  title={t('dedup.mergeConfirm', { merged: merged.name, survivor: survivor.name })}
                  okText={t('dedup.merge')}
                  cancelText={t('common.cancel')}
                  onConfirm={() => merge(p)}
                >
                  <Button type="primary" disabled={busy} data-testid={`dup-merge-${p.a}-${p.b}`}>{t('dedup.merge')}</Button>
                </Popconfirm>
                <Button disabled={busy} onClick={() => void dismiss(p)} data-testid={`dup-dismiss-${p.a}-${p.b}`}>{t('dedup.dismiss')}</Button>
              </Space>
            )}
          >
            <Row gutter={12}>
              {side(p, p.customer_a)}
              {side(p, p.customer_b)}
            </Row>
          </Card>
        );
      })}
      <Card title={t('dedup.merges')} style={{ marginTop: 16 }}>
        {merges && merges.length === 0 ? (
          <Typography.Text type="secondary">{t('dedup.merges.empty')}</Typography.Text>
        ) : (
          <Table<Merge>
            rowKey="id"
            size="middle"
            loading={!merges}
            dataSource={merges ?? []}
            pagination={false}
            columns={[
              { title: t('dedup.merges.col.survivor'), dataIndex: 'survivor_name', render: (v: string, m) => <Link to={`/customers/${m.survivor_id}`}>{v}</Link> },
              { title: t('dedup.merges.col.merged'), dataIndex: 'merged_name', render: (v: string, m) => <Link to={`/customers/${m.merged_id}`}>{v}</Link> },
              { title: t('dedup.merges.col.at'), dataIndex: 'at', render: (v: number) => fmtTime(iso(v)) },
              { title: t('dedup.merges.col.until'), dataIndex: 'undo_until', render: (v: number) => fmtTime(iso(v)) },
              {
                title: t('dedup.merges.col.status'),
                key: 'status',
                render: (_: unknown, m: Merge) => {
                  if (m.undone_at !== null) return <Tag>{t('dedup.merges.undone')}</Tag>;
                  if (!m.undoable) return <Tag>{t('dedup.merges.expired')}</Tag>;
                  return canWrite ? (
                    <Popconfirm title={t('dedup.undoConfirm')} okText={t('dedup.undo')} cancelText={t('common.cancel')} onConfirm={() => undo(m)}>
                      <Button size="small" disabled={busy} data-testid={`merge-undo-${m.id}`}>{t('dedup.undo')}</Button>
                    </Popconfirm>
                  ) : null;
                },
              },
            ]}
          />
        )}
      </Card>
    </>
  );
}
