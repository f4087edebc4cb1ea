// The forecast figures of one scope (GET /pipeline/forecast): closed, open weighted,
// out-of-funnel, forecast, target, coverage and progress.
import { Card, Col, Row, Statistic } from 'antd';
import { useI18n } from '../i18n';
import { formatFen, formatRate } from '../money';
import type { Forecast } from '../salesTypes';

export function ForecastStats({ forecast, testIdPrefix = 'forecast' }: { forecast: Forecast | null; testIdPrefix?: string }) {
  const { t } = useI18n();
  const f = forecast;
  const money = (v: number | null | undefined) => (f ? formatFen(v) : '…');
  const items: { key: string; title: string; value: string }[] = [
    { key: 'closed', title: t('forecast.closed'), value: money(f?.closed) },
    { key: 'open_weighted', title: t('forecast.openWeighted'), value: money(f?.open_weighted) },
    { key: 'out_of_funnel', title: t('forecast.outOfFunnel'), value: money(f?.out_of_funnel) },
    { key: 'forecast', title: t('forecast.forecast'), value: money(f?.forecast) },
    { key: 'target', title: t('forecast.target'), value: f ? (f.target === null ? t('forecast.noTarget') : formatFen(f.target)) : '…' },
    { key: 'coverage', title: t('forecast.coverage'), value: f ? formatRate(f.coverage) : '…' },
    { key: 'progress', title: t('forecast.progress'), value: f ? formatRate(f.progress) : '…' },
  ];
  return (
    <Row gutter={[12, 12]} style={{ marginBottom: 16 }} aria-live="polite">
      {items.map((it) => (
        <Col key={it.key} xs={12} sm={8} md={6} lg={3} style={{ minWidth: 150, flex: '1 1 0' }}>
          <Card size="small">
            <Statistic
              title={it.title}
              value={it.value}
              valueStyle={{ fontSize: 18 }}
              formatter={() => <span data-testid={`${testIdPrefix}-${it.key}`}>{it.value}</span>}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}
