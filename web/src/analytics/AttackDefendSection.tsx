// Attack/defend: purchase potential × wallet share per customer, the two threshold
// lines, the quadrant names in their corners and the company-wide count per quadrant.
import { useMemo } from 'react';
import { Alert, Card, Col, Row, Table, Typography } from 'antd';
import type { AnalyticsReport, AttackDefendList } from '../analyticsTypes';
import { QUADRANTS } from '../analyticsTypes';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import { PALETTE } from './charts';
import { formatProb, quadrantLabel } from './labels';
import { quadrantCounts } from './report';
import { SectionTitle } from './SectionTitle';
import { useGet } from './useGet';

// Corners of the plot: high potential is right, high share is up.
const CORNERS: Record<string, { left?: string; right?: string; top?: string; bottom?: string }> = {
  maintain: { left: '12%', top: '8%' },
  retain: { right: '6%', top: '8%' },
  abandon: { left: '12%', bottom: '16%' },
  acquire: { right: '6%', bottom: '16%' },
};

export function AttackDefendSection({ report, runId }: { report: AnalyticsReport; runId: number }) {
  const { t } = useI18n();
  const list = useGet<AttackDefendList>('/analytics/attack-defend?limit=2000', runId);
  const counts = quadrantCounts(report);
  const items = list.data?.items ?? [];
  const potentialThreshold = list.data?.potential_threshold ?? report.attack_defend?.potential_threshold ?? null;
  const shareThreshold = list.data?.share_threshold ?? report.attack_defend?.share_threshold ?? 0.5;

  const option = useMemo<EChartOption>(() => {
    // A customer buying far more than the estimated wallet would squash the others:
    // the share axis stops at a few times the threshold (the tooltip keeps the value).
    const yMax = Math.max(1, shareThreshold * 3);
    const series = QUADRANTS.map((q, i) => ({
      name: quadrantLabel(t, q),
      type: 'scatter' as const,
      symbolSize: 7,
      itemStyle: { color: PALETTE[i] },
      data: items
        .filter((it) => it.quadrant === q)
        .map((it) => ({ value: [it.potential / 100, Math.min(it.share, yMax)], name: it.customer_name, share: it.share })),
    }));
    const lines: object[] = [{ yAxis: shareThreshold, name: t('ana.attack.share') }];
    if (potentialThreshold !== null) lines.push({ xAxis: potentialThreshold / 100, name: t('ana.attack.potential') });
    if (series.length) {
      Object.assign(series[0], {
        markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: '#595959' }, label: { show: false }, data: lines },
      });
    }
    return {
      legend: { top: 0 },
      tooltip: {
        trigger: 'item',
        formatter: (p) => {
          if (Array.isArray(p)) return '';
          const d = p.data as { value: number[]; name: string; share: number };
          if (!d || !d.value) return '';
          return `${d.name}<br/>${t('ana.attack.potential')}: ${formatFen(Math.round(d.value[0] * 100))}<br/>${t('ana.attack.share')}: ${formatProb(d.share)}`;
        },
      },
      grid: { left: 80, right: 30, top: 40, bottom: 60 },
      xAxis: { type: 'value', name: t('ana.attack.potential'), nameLocation: 'middle', nameGap: 35, scale: true },
      yAxis: { type: 'value', name: t('ana.attack.share'), min: 0, max: yMax, axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      graphic: QUADRANTS.map((q) => ({
        type: 'text',
        ...CORNERS[q],
        z: 10,
        style: { text: `${quadrantLabel(t, q)} (${counts[q] ?? 0})`, fontSize: 14, fontWeight: 'bold', fill: '#262626' },
      })),
      series,
    } as EChartOption;
  }, [items, counts, potentialThreshold, shareThreshold, t]);

  return (
    <Row gutter={16}>
      <Col xs={24} xl={16}>
        <Card title={<SectionTitle text={t('ana.attack.title')} />} style={{ marginBottom: 16 }}>
          {list.error && <Alert type="error" showIcon message={list.error} style={{ marginBottom: 12 }} />}
          {!list.loading && items.length === 0 && <Alert type="info" showIcon message={t('ana.attack.noPotential')} style={{ marginBottom: 12 }} />}
          <EChart option={option} height={420} testId="attack-defend-chart" ariaLabel={t('ana.attack.label')} />
          <Typography.Paragraph type="secondary" data-testid="attack-thresholds">
            {t('ana.attack.thresholds', { potential: formatFen(potentialThreshold), share: formatProb(shareThreshold) })}
          </Typography.Paragraph>
        </Card>
      </Col>
      <Col xs={24} xl={8}>
        <Card title={<SectionTitle text={t('ana.attack.quadrant')} />} style={{ marginBottom: 16 }}>
          <Table<{ key: string; count: number }>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={QUADRANTS.map((q) => ({ key: q, count: counts[q] ?? 0 }))}
            data-testid="quadrant-table"
            columns={[
              { title: t('ana.attack.quadrant'), key: 'q', render: (_, r) => quadrantLabel(t, r.key) },
              { title: t('ana.count'), key: 'c', align: 'right', render: (_, r) => <span data-testid={`quadrant-count-${r.key}`}>{r.count}</span> },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
