// Customer value (/analytics): the latest analytics run's report in tabs (RFM, tiers,
// CLV, churn, cohorts, clusters, attack/defend) and, for admin and analyst, a button
// that recomputes everything now. Before the first run: an explanation and the button.
import { useState } from 'react';
import { Alert, App, Button, Result, Space, Spin, Tabs, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api';
import { useUser } from '../auth';
import type { AnalyticsRun } from '../analyticsTypes';
import '../analytics/charts';
import { AttackDefendSection } from '../analytics/AttackDefendSection';
import { ChurnSection } from '../analytics/ChurnSection';
import { ClusterSection } from '../analytics/ClusterSection';
import { ClvSection } from '../analytics/ClvSection';
import { CohortSection } from '../analytics/CohortSection';
import { RfmSection } from '../analytics/RfmSection';
import { TiersSection } from '../analytics/TiersSection';
import { useGet } from '../analytics/useGet';
import { errorMessage } from '../errors';
import { useI18n, type MessageKey } from '../i18n';
import { formatFen } from '../money';

const TABS = ['rfm', 'tiers', 'clv', 'churn', 'cohorts', 'clusters', 'attack'] as const;

export default function AnalyticsPage() {
  const { t, fmtTime } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const canRecompute = user.role === 'admin' || user.role === 'analyst';
  const [params, setParams] = useSearchParams();
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as string) : 'rfm';
  const [reload, setReload] = useState(0);
  const latest = useGet<AnalyticsRun>('/analytics/runs/latest', reload);
  const [fresh, setFresh] = useState<AnalyticsRun | null>(null);
  const [running, setRunning] = useState(false);
  const [runError, setRunError] = useState<string | null>(null);

  const run = fresh && (!latest.data || fresh.id >= latest.data.id) ? fresh : latest.data;

  const recompute = async () => {
    setRunning(true);
    setRunError(null);
    try {
      const r = await api.post<AnalyticsRun>('/analytics/runs');
      setFresh(r);
      setReload((n) => n + 1);
      message.success(t('ana.recomputed'));
    } catch (e) {
      setRunError(errorMessage(t, e));
    } finally {
      setRunning(false);
    }
  };

  const button = canRecompute && (
    <Button type="primary" icon={<ReloadOutlined />} loading={running} onClick={recompute} data-testid="recompute">
      {running ? t('ana.recomputing') : t('ana.recompute')}
    </Button>
  );

  const header = (withButton: boolean) => (
    <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap align="center">
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }}>
        {t('ana.title')}
      </Typography.Title>
      <Space wrap align="center">
        {run && (
          <Typography.Text type="secondary" data-testid="last-run">
            {t('ana.lastRun', {
              time: fmtTime(run.finished_at ?? run.started_at),
              asOf: run.as_of,
              trigger: t(`ana.trigger.${run.trigger}` as MessageKey),
            })}
          </Typography.Text>
        )}
        {withButton && button}
      </Space>
    </Space>
  );

  const errors = runError && <Alert type="error" showIcon role="alert" message={runError} style={{ marginBottom: 16 }} closable onClose={() => setRunError(null)} />;

  if (!run) {
    if (latest.loading) {
      return (
        <>
          {header(false)}
          <div style={{ padding: 48, textAlign: 'center' }} role="status">
            <Spin />
            <div style={{ marginTop: 8 }}>{t('common.loading')}</div>
          </div>
        </>
      );
    }
    if (latest.status !== 404) {
      return (
        <>
          {header(true)}
          {errors}
          <Alert type="error" showIcon role="alert" message={latest.error} />
        </>
      );
    }
    return (
      <>
        {header(false)}
        {errors}
        <div data-testid="analytics-empty">
          <Result
            status="info"
            title={<Typography.Title level={2} style={{ fontSize: 20 }}>{t('ana.emptyTitle')}</Typography.Title>}
            subTitle={canRecompute ? t('ana.emptyHint') : t('ana.emptyHintReadOnly')}
            extra={button}
          />
        </div>
      </>
    );
  }

  const report = run.report ?? {};
  const s = report.summary;
  const items = [
    { key: 'rfm', label: t('ana.tab.rfm'), children: <RfmSection report={report} /> },
    { key: 'tiers', label: t('ana.tab.tiers'), children: <TiersSection report={report} /> },
    { key: 'clv', label: t('ana.tab.clv'), children: <ClvSection report={report} runId={run.id} /> },
    { key: 'churn', label: t('ana.tab.churn'), children: <ChurnSection runId={run.id} /> },
    { key: 'cohorts', label: t('ana.tab.cohorts'), children: <CohortSection report={report} /> },
    { key: 'clusters', label: t('ana.tab.clusters'), children: <ClusterSection report={report} /> },
    { key: 'attack', label: t('ana.tab.attack'), children: <AttackDefendSection report={report} runId={run.id} /> },
  ];

  return (
    <>
      {header(true)}
      {errors}
      {s && (
        <Typography.Paragraph data-testid="analytics-summary">
          {t('ana.summary', { customers: s.customers, buyers: s.buyers, orders: s.orders, revenue: formatFen(s.revenue) })}
        </Typography.Paragraph>
      )}
      <Tabs
        activeKey={tab}
        onChange={(k) =>
          setParams(
            (prev) => {
              const next = new URLSearchParams(prev);
              if (k === 'rfm') next.delete('tab');
              else next.set('tab', k);
              return next;
            },
            { replace: true },
          )
        }
        items={items}
      />
    </>
  );
}
