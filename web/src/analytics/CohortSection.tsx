// Retention heatmap: one row per first-purchase month, one column per month since
// then, the share of the cohort buying in that month.
import { useMemo } from 'react';
import { Alert, Card } from 'antd';
import type { AnalyticsReport } from '../analyticsTypes';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import { cohortRows } from './report';
import { SectionTitle } from './SectionTitle';

export function CohortSection({ report }: { report: AnalyticsReport }) {
  const { t } = useI18n();
  const rows = cohortRows(report);
  const width = rows.reduce((m, r) => Math.max(m, r.retention.length), 0);

  const option = useMemo<EChartOption>(() => {
    const data: [number, number, number][] = [];
    rows.forEach((r, y) =>
      r.retention.forEach((v, x) => {
        if (v !== null && v !== undefined) data.push([x, y, Math.round(v * 1000) / 10]);
      }),
    );
    return {
      tooltip: {
        position: 'top',
        formatter: (p) => {
          if (Array.isArray(p)) return '';
          const [x, y, v] = p.value as [number, number, number];
          return `${rows[y].cohort} (${rows[y].size})<br/>${t('ana.cohorts.month', { n: x })}: ${v}%`;
        },
      },
      grid: { left: 110, right: 20, top: 10, bottom: 100 },
      xAxis: {
        type: 'category',
        name: t('ana.cohorts.monthsSince'),
        nameLocation: 'middle',
        nameGap: 30,
        data: Array.from({ length: width }, (_, i) => String(i)),
      },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => `${r.cohort} (${r.size})`) },
      visualMap: { min: 0, max: 100, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, formatter: '{value}%', inRange: { color: ['#f0f5ff', '#1f5fbf'] } },
      series: [{ type: 'heatmap', data, label: { show: width <= 13, formatter: (p) => `${(p.value as number[])[2]}` } }],
    };
  }, [rows, width, t]);

  return (
    <Card title={<SectionTitle text={t('ana.cohorts.title')} />} style={{ marginBottom: 16 }}>
      {rows.length === 0 ? (
        <Alert type="info" showIcon message={t('ana.noData')} />
      ) : (
        <EChart option={option} height={Math.max(260, 28 * rows.length + 110)} testId="cohort-heatmap" ariaLabel={t('ana.cohorts.label')} />
      )}
    </Card>
  );
}
