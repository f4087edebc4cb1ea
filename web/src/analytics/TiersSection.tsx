// Value tiers as a pyramid (strategic at the top) with customers and profit per tier.
import { useMemo } from 'react';
import { Card, Col, Row, Table } from 'antd';
import { Link } from 'react-router-dom';
import type { AnalyticsReport, TierRow } from '../analyticsTypes';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import { PALETTE } from './charts';
import { tierLabel } from './labels';
import { tierRows } from './report';
import { SectionTitle } from './SectionTitle';

export function TiersSection({ report }: { report: AnalyticsReport }) {
  const { t } = useI18n();
  const rows = tierRows(report);

  // The widths are the tier's rank, not its count: a pyramid keeps the tiers in value
  // order however many customers each holds; the labels carry the figures.
  const option = useMemo<EChartOption>(
    () => ({
      color: PALETTE,
      tooltip: { trigger: 'item', formatter: (p) => (Array.isArray(p) ? '' : String((p.data as { text: string }).text)) },
      series: [
        {
          type: 'funnel',
          sort: 'ascending',
          left: '10%',
          width: '80%',
          minSize: '20%',
          gap: 2,
          label: { show: true, position: 'inside', color: '#fff', formatter: (p) => String((p.data as { text: string }).text) },
          data: rows.map((r, i) => ({
            name: tierLabel(t, r.key),
            value: i + 1,
            text: `${tierLabel(t, r.key)}  ${r.count} · ${formatFen(r.profit)}`,
          })),
        },
      ],
    }),
    [rows, t],
  );

  return (
    <Row gutter={16}>
      <Col xs={24} xl={14}>
        <Card title={<SectionTitle text={t('ana.tiers.title')} />} style={{ marginBottom: 16 }}>
          <EChart option={option} height={360} testId="tier-pyramid" ariaLabel={t('ana.tiers.chartLabel')} />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card title={<SectionTitle text={t('ana.tiers.tier')} />} style={{ marginBottom: 16 }}>
          <Table<TierRow>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={rows}
            data-testid="tier-table"
            columns={[
              { title: t('ana.tiers.tier'), key: 'name', render: (_, r) => <Link to={`/customers?tier=${r.key}`}>{tierLabel(t, r.key)}</Link> },
              { title: t('ana.count'), key: 'count', align: 'right', render: (_, r) => <span data-testid={`tier-count-${r.key}`}>{r.count}</span> },
              { title: t('ana.profit'), key: 'profit', align: 'right', render: (_, r) => <span data-testid={`tier-profit-${r.key}`}>{formatFen(r.profit)}</span> },
            ]}
          />
        </Card>
      </Col>
    </Row>
  );
}
