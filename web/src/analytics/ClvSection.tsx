// CLV: the distribution, customer equity (客户资产), the customers with the highest
// CLV and the fit diagnostics of the purchase and spend models.
import { useMemo } from 'react';
import { Alert, Card, Col, Descriptions, Row, Statistic, Table } from 'antd';
import { Link } from 'react-router-dom';
import type { AnalyticsReport, FitDiagnostics, TopClvItem } from '../analyticsTypes';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import { PALETTE } from './charts';
import { classLabel, formatNumber, formatProb, tierLabel } from './labels';
import { purchaseDiagnostics } from './report';
import { SectionTitle } from './SectionTitle';
import { useGet } from './useGet';


function Diagnostics({ model, params, diag, testId }: { model: string; params?: Record<string, number>; diag: FitDiagnostics; testId: string }) {
  const { t } = useI18n();
  const paramText = Object.entries(params ?? {})
    .map(([k, v]) => `${k} = ${formatNumber(v)}`)
    .join(', ');
  return (
    <Descriptions bordered size="small" column={1} data-testid={testId} labelStyle={{ whiteSpace: 'nowrap' }}>
      <Descriptions.Item label={t('ana.clv.model')}>{model || t('common.none')}</Descriptions.Item>
      <Descriptions.Item label={t('ana.clv.params')}>{paramText || t('common.none')}</Descriptions.Item>
      <Descriptions.Item label={t('ana.clv.logLikelihood')}>{formatNumber(diag.log_likelihood, 3)}</Descriptions.Item>
      <Descriptions.Item label={t('ana.clv.iterations')}>{diag.iterations ?? t('common.none')}</Descriptions.Item>
      <Descriptions.Item label={t('ana.clv.converged')}>
        {diag.converged === null || diag.converged === undefined ? t('common.none') : diag.converged ? t('common.yes') : t('common.no')}
      </Descriptions.Item>
      <Descriptions.Item label={t('ana.clv.gradientNorm')}>{formatNumber(diag.gradient_norm)}</Descriptions.Item>
    </Descriptions>
  );
}

export function ClvSection({ report, runId }: { report: AnalyticsReport; runId: number }) {
  const { t, lang } = useI18n();
  const clv = report.clv;
  const top = useGet<{ items: TopClvItem[] }>(`/analytics/top-clv?limit=20`, runId);
  const bins = clv?.histogram ?? [];

  const option = useMemo<EChartOption>(() => {
    // Compact bounds (¥1.6万 / ¥16K) keep twenty bucket labels readable.
    const compact = new Intl.NumberFormat(lang === 'en' ? 'en' : 'zh-CN', { notation: 'compact', maximumFractionDigits: 1 });
    const yuan = (fen: number) => `¥${compact.format(fen / 100)}`;
    return {
      color: [PALETTE[0]],
      tooltip: { trigger: 'axis' },
      grid: { left: 60, right: 20, top: 30, bottom: 95 },
      xAxis: {
        type: 'category',
        name: t('ana.clv.range'),
        nameLocation: 'middle',
        nameGap: 70,
        data: bins.map((b) => `${yuan(b.from)}–${yuan(b.to)}`),
        axisLabel: { rotate: 40 },
      },
      yAxis: { type: 'value', name: t('ana.count') },
      series: [{ type: 'bar', barCategoryGap: '2%', data: bins.map((b) => b.count) }],
    };
  }, [bins, t, lang]);

  if (!clv) return <Alert type="info" showIcon message={t('ana.noData')} />;
  const unit = clv.time_unit ?? 'week';
  const n = clv.horizon ?? 52;
  const horizon = t(unit === 'day' ? 'ana.clv.horizonDays' : 'ana.clv.horizonWeeks', { n });
  return (
    <>
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card title={<SectionTitle text={t('ana.clv.histogram')} />} style={{ marginBottom: 16 }}>
            <EChart option={option} height={320} testId="clv-histogram" ariaLabel={t('ana.clv.histogramLabel')} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card title={<SectionTitle text={t('ana.clv.equity')} />} style={{ marginBottom: 16 }}>
            <Statistic
              title={t('ana.clv.equityHelp', { horizon })}
              value={formatFen(clv.customer_equity ?? null)}
              valueRender={(node) => <span data-testid="customer-equity">{node}</span>}
            />
          </Card>
        </Col>
      </Row>
      <Row gutter={16}>
        <Col xs={24} xl={15}>
          <Card title={<SectionTitle text={t('ana.clv.top')} />} style={{ marginBottom: 16 }}>
            {top.error && <Alert type="error" showIcon message={top.error} />}
            <Table<TopClvItem>
              rowKey="customer_id"
              size="small"
              pagination={false}
              loading={top.loading}
              dataSource={top.data?.items ?? []}
              scroll={{ x: 760 }}
              data-testid="top-clv-table"
              columns={[
                { title: '#', key: 'rank', width: 40, render: (_, __, i) => i + 1 },
                { title: t('ana.customer'), key: 'name', render: (_, r) => <Link to={`/customers/${r.customer_id}`}>{r.customer_name}</Link> },
                { title: t('ana.clv.clv'), key: 'clv', align: 'right', render: (_, r) => formatFen(r.clv) },
                { title: t('ana.clv.pAlive'), key: 'p', align: 'right', render: (_, r) => formatProb(r.p_alive) },
                { title: t('ana.clv.expectedPurchases'), key: 'e', align: 'right', render: (_, r) => formatNumber(r.expected_purchases, 2) },
                { title: t('list.tier'), key: 'tier', render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{tierLabel(t, r.tier)}</span> },
                { title: t('list.rfmClass'), key: 'class', render: (_, r) => <span style={{ whiteSpace: 'nowrap' }}>{classLabel(t, r.rfm_class)}</span> },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card title={<SectionTitle text={t('ana.clv.diagnostics')} />} style={{ marginBottom: 16 }}>
            <Descriptions size="small" column={1} style={{ marginBottom: 8 }}>
              <Descriptions.Item label={t('ana.clv.customers')}>{clv.customers ?? t('common.none')}</Descriptions.Item>
            </Descriptions>
            <SubHeading text={t('ana.clv.purchaseModel')} />
            <Diagnostics model={clv.model ?? ''} params={clv.params} diag={purchaseDiagnostics(report)} testId="clv-fit" />
            <SubHeading text={t('ana.clv.spendModel')} />
            {clv.spend ? (
              <Diagnostics model={clv.spend.model ?? ''} params={clv.spend.params} diag={clv.spend} testId="spend-fit" />
            ) : (
              <Alert type="info" message={t('ana.clv.noSpend')} />
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}

function SubHeading({ text }: { text: string }) {
  return <h3 style={{ fontSize: 14, margin: '12px 0 8px' }}>{text}</h3>;
}
