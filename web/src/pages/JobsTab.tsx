// The administration page's "Background jobs" tab: the scheduler's recent jobs
// (GET /api/v1/jobs) with their outcome, and a "run now" button per registered
// kind (POST /api/v1/jobs). While a job is queued or running the list refreshes
// itself every few seconds.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { api, qs } from '../api';
import { FilterSelect } from '../components/FilterSelect';
import { errorMessage } from '../errors';
import { TAG } from '../sales/colours';
import { useI18n } from '../i18n';
import type { Page } from '../types';

export interface Job {
  id: number;
  kind: string;
  key: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  attempts: number;
  max_attempts: number;
  run_after: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  lease_owner: string | null;
  lease_until: number | null;
  error: string;
  result: Record<string, unknown> | null;
}

interface JobKind {
  kind: string;
  schedule: 'daily' | 'every' | 'on_demand';
  hour: number | null;
  interval_seconds: number | null;
}

// Solid colours dark enough for white text (WCAG AA), as the sales pages' tags.
const STATUS_COLOR: Record<Job['status'], string> = { queued: TAG.grey, running: TAG.blue, done: TAG.green, failed: TAG.red };

export default function JobsTab() {
  const { t, label, fmtTime } = useI18n();
  const { message } = App.useApp();
  const [kinds, setKinds] = useState<JobKind[]>([]);
  const [kind, setKind] = useState<string>('');
  const [status, setStatus] = useState<string>('');
  const [items, setItems] = useState<Job[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [running, setRunning] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const time = (s: number | null) => (s === null ? t('common.none') : fmtTime(new Date(s * 1000).toISOString()));

  const load = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api.get<Page<Job>>(`/jobs${qs({ kind, status, limit: 50, after })}`);
        setItems((prev) => (after ? [...prev, ...page.items] : page.items));
        setNext(page.next ?? null);
      } catch (e) {
        setError(errorMessage(t, e));
      } finally {
        setLoading(false);
      }
    },
    [kind, status, t],
  );

  useEffect(() => {
    void load(null);
  }, [load]);

  useEffect(() => {
    api
      .get<{ items: JobKind[] }>('/job-kinds')
      .then((r) => setKinds(r.items))
      .catch((e) => setError(errorMessage(t, e)));
  }, [t]);

  // Follow queued and running jobs until they finish.
  const busy = items.some((j) => j.status === 'queued' || j.status === 'running');
  useEffect(() => {
    if (!busy) return undefined;
    const timer = window.setTimeout(() => void load(null), 3000);
    return () => window.clearTimeout(timer);
  }, [busy, items, load]);

  const runNow = async (k: string) => {
    setRunning(k);
    try {
      await api.post<Job>('/jobs', { kind: k });
      message.success(t('jobs.queued', { kind: label('jobKind', k) }));
      await load(null);
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setRunning(null);
    }
  };

  const schedule = (k: JobKind) =>
    k.schedule === 'daily'
      ? t('jobs.schedule.daily', { hour: String(k.hour ?? 0) })
      : k.schedule === 'every'
        ? t('jobs.schedule.every', { minutes: String(Math.round((k.interval_seconds ?? 0) / 60)) })
        : t('jobs.schedule.on_demand');

  const columns: ColumnsType<Job> = [
    { title: t('jobs.kind'), key: 'kind', render: (_: unknown, j) => label('jobKind', j.kind), width: 150 },
    {
      title: t('jobs.status'),
      key: 'status',
      render: (_: unknown, j) => <Tag color={STATUS_COLOR[j.status]}>{label('jobStatus', j.status)}</Tag>,
      width: 100,
    },
    { title: t('jobs.attempts'), key: 'attempts', render: (_: unknown, j) => `${j.attempts} / ${j.max_attempts}`, width: 90 },
    { title: t('jobs.runAfter'), key: 'run_after', render: (_: unknown, j) => time(j.run_after), width: 150 },
    { title: t('jobs.startedAt'), key: 'started_at', render: (_: unknown, j) => time(j.started_at), width: 150 },
    { title: t('jobs.finishedAt'), key: 'finished_at', render: (_: unknown, j) => time(j.finished_at), width: 150 },
    {
      title: t('jobs.outcome'),
      key: 'outcome',
      render: (_: unknown, j) =>
        j.error ? (
          <Typography.Text type="danger">{j.error}</Typography.Text>
        ) : j.result ? (
          <Typography.Text code>{JSON.stringify(j.result)}</Typography.Text>
        ) : (
          t('common.none')
        ),
    },
    { title: t('jobs.key'), dataIndex: 'key', key: 'key', width: 220 },
  ];

  return (
    <>
      <Card size="small" title={t('jobs.runNowTitle')} style={{ marginBottom: 16 }}>
        <Space wrap>
          {kinds.map((k) => (
            <Button key={k.kind} onClick={() => void runNow(k.kind)} loading={running === k.kind} aria-label={`${t('jobs.runNow')}: ${label('jobKind', k.kind)}`}>
              {label('jobKind', k.kind)}
              <Typography.Text type="secondary" style={{ marginLeft: 8 }}>
                {schedule(k)}
              </Typography.Text>
            </Button>
          ))}
        </Space>
      </Card>
      <Space style={{ marginBottom: 16 }} wrap>
        <FilterSelect
          label={t('jobs.kind')}
          value={kind}
          onChange={setKind}
          options={[{ value: '', label: t('common.all') }, ...kinds.map((k) => ({ value: k.kind, label: label('jobKind', k.kind) }))]}
          style={{ minWidth: 200 }}
        />
        <FilterSelect
          label={t('jobs.status')}
          value={status}
          onChange={setStatus}
          options={[{ value: '', label: t('common.all') }, ...(['queued', 'running', 'done', 'failed'] as const).map((s) => ({ value: s, label: label('jobStatus', s) }))]}
          style={{ minWidth: 160 }}
        />
        <Button onClick={() => void load(null)}>{t('common.reload')}</Button>
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Table<Job> rowKey="id" size="small" columns={columns} dataSource={items} loading={loading} pagination={false} scroll={{ x: 1100 }} />
      {next && (
        <div style={{ textAlign: 'center', marginTop: 16 }}>
          <Button onClick={() => void load(next)} loading={loading}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
    </>
  );
}
