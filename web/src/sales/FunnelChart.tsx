// The sales funnel (GET /pipeline/funnel) as an ECharts funnel of open amounts per
// stage, with conversion rate and average days in the labels.
import { useMemo } from 'react';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import { formatFen, formatRate } from '../money';
import type { FunnelStage } from '../salesTypes';

export function FunnelChart({ stages, stageName }: { stages: FunnelStage[]; stageName: (key: string) => string }) {
  const { t } = useI18n();
  const option = useMemo<EChartOption>(() => {
    // Funnel widths follow the amount; a stage with nothing still gets a sliver so that
    // the shape keeps all stages in order.
    const max = Math.max(1, ...stages.map((s) => s.amount));
    return {
      tooltip: {
        formatter: (p: unknown) => {
          const s = stages[(p as { dataIndex: number }).dataIndex];
          return `${stageName(s.key)}<br/>${t('funnel.count', { n: s.count })} · ${formatFen(s.amount)}<br/>${t('funnel.conversion')} ${formatRate(s.conversion_rate)} · ${t('funnel.avgDays')} ${s.avg_days === null ? '—' : s.avg_days.toFixed(1)}`;
        },
      },
      series: [
        {
          type: 'funnel',
          sort: 'none',
          left: '5%',
          width: '90%',
          minSize: '8%',
          gap: 2,
          label: { show: true, position: 'inside', color: '#fff', textBorderColor: 'rgba(0,0,0,.55)', textBorderWidth: 2 },
          data: stages.map((s) => ({
            value: Math.max(s.amount, max * 0.02),
            name: [
              stageName(s.key),
              formatFen(s.amount),
              s.conversion_rate === null ? '' : `→ ${formatRate(s.conversion_rate, 0)}`,
              s.avg_days === null ? '' : `${s.avg_days.toFixed(1)}${t('funnel.daysUnit')}`,
            ]
              .filter((x) => x !== '')
              .join('  '),
          })),
        },
      ],
    } as EChartOption;
  }, [stages, stageName, t]);
  return <EChart option={option} height={360} testId="funnel-chart" ariaLabel={t('funnel.title')} />;
}
