// Forecast accuracy of a quarter (GET /pipeline/accuracy): per week the forecast
// with configured rates, with learned rates, and the sales closed so far, against
// the quarter's actual result.
import { useMemo } from 'react';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import type { Accuracy } from '../salesTypes';

export function AccuracyChart({ accuracy }: { accuracy: Accuracy }) {
  const { t } = useI18n();
  const option = useMemo<EChartOption>(() => {
    const yuan = (fen: number) => fen / 100; // display only
    return {
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatFen(Math.round(Number(v) * 100)) },
      legend: { bottom: 0 },
      grid: { left: 90, right: 24, top: 24, bottom: 48 },
      xAxis: { type: 'category', data: accuracy.weeks.map((w) => w.week_start) },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `¥${v.toLocaleString('en-US')}` } },
      series: [
        { name: t('accuracy.configured'), type: 'line', data: accuracy.weeks.map((w) => yuan(w.forecast_configured)) },
        { name: t('accuracy.learned'), type: 'line', data: accuracy.weeks.map((w) => yuan(w.forecast_learned)) },
        { name: t('accuracy.closedSoFar'), type: 'line', step: 'end', data: accuracy.weeks.map((w) => yuan(w.closed_so_far)) },
        {
          name: t('accuracy.actual'),
          type: 'line',
          symbol: 'none',
          lineStyle: { type: 'dashed' },
          data: accuracy.weeks.map(() => yuan(accuracy.actual)),
        },
      ],
    } as EChartOption;
  }, [accuracy, t]);
  return <EChart option={option} height={320} testId="accuracy-chart" ariaLabel={t('accuracy.title')} />;
}
