// RFM: the eight classes (customers and revenue, chart and table) and the R×F
// heatmap of customer counts.
import { useMemo } from 'react';
import { Card, Col, Row, Table, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { AnalyticsReport, RfmClassRow } from '../analyticsTypes';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import { PALETTE } from './charts';
import { classLabel, formatNumber } from './labels';
import { rfmClasses, rfmHeatmap } from './report';
import { SectionTitle } from './SectionTitle';

export function RfmSection({ report }: { report: AnalyticsReport }) {
  const { t, lang } = useI18n();
  const classes = rfmClasses(report);
  const grid = rfmHeatmap(report);
  const means = report.rfm?.mean_scores;

  const barOption = useMemo<EChartOption>(() => {
    // Compact money on the axis (¥1,152万 / ¥11.5M) so it fits beside the plot.
    const compact = new Intl.NumberFormat(lang === 'en' ? 'en' : 'zh-CN', { notation: 'compact', maximumFractionDigits: 1 });
    return {
      color: [PALETTE[0], PALETTE[1]],
      tooltip: { trigger: 'axis' },
      legend: { data: [t('ana.count'), t('ana.revenue')] },
      grid: { left: 60, right: 80, bottom: 90, top: 40 },
      xAxis: { type: 'category', data: classes.map((c) => classLabel(t, c.key)), axisLabel: { rotate: 30, interval: 0 } },
      yAxis: [
        { type: 'value', name: t('ana.count') },
        { type: 'value', name: t('ana.revenue'), axisLabel: { formatter: (v: number) => `¥${compact.format(v / 100)}` } },
      ],
      series: [
        { name: t('ana.count'), type: 'bar', data: classes.map((c) => c.count) },
        {
          name: t('ana.revenue'),
          type: 'bar',
          yAxisIndex: 1,
          data: classes.map((c) => c.revenue ?? 0),
          tooltip: { valueFormatter: (v) => formatFen(Number(v)) },
        },
      ],
    };
  }, [classes, t, lang]);

  const heatOption = useMemo<EChartOption>(() => {
    const data: [number, number, number][] = [];
    let max = 0;
    grid.forEach((row, r) =>
      row.forEach((count, f) => {
        data.push([f, r, count]);
        max = Math.max(max, count);
      }),
    );
    return {
      tooltip: { position: 'top' },
      grid: { left: 70, right: 20, top: 20, bottom: 90 },
      xAxis: { type: 'category', name: t('ana.rfm.f'), nameLocation: 'middle', nameGap: 30, data: ['1', '2', '3', '4', '5'] },
      yAxis: { type: 'category', name: t('ana.rfm.r'), nameLocation: 'middle', nameGap: 40, data: ['1', '2', '3', '4', '5'] },
      visualMap: { min: 0, max: Math.max(1, max), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f0f5ff', '#1f5fbf'] } },
      series: [{ type: 'heatmap', data, label: { show: true }, emphasis: { itemStyle: { borderColor: '#000', borderWidth: 1 } } }],
    };
  }, [grid, t]);

  return (
    <Row gutter={16}>
      <Col xs={24} xl={14}>
        <Card title={<SectionTitle text={t('ana.rfm.classes')} />} style={{ marginBottom: 16 }}>
          <EChart option={barOption} height={340} testId="rfm-class-chart" ariaLabel={t('ana.rfm.chartLabel')} />
          <Table<RfmClassRow>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={classes}
            data-testid="rfm-class-table"
            columns={[
              { title: t('ana.rfm.class'), key: 'name', render: (_, c) => <Link to={`/customers?rfm_class=${c.key}`}>{classLabel(t, c.key)}</Link> },
              {
                title: t('ana.count'),
                key: 'count',
                align: 'right',
                render: (_, c) => <span data-testid={`rfm-count-${c.key}`}>{c.count}</span>,
              },
              { title: t('ana.revenue'), key: 'revenue', align: 'right', render: (_, c) => formatFen(c.revenue ?? 0) },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={10}>
        <Card title={<SectionTitle text={t('ana.rfm.heatmap')} />} style={{ marginBottom: 16 }}>
          <EChart option={heatOption} height={360} testId="rfm-heatmap" ariaLabel={t('ana.rfm.heatmapLabel')} />
          {means && (
            <Typography.Paragraph type="secondary" data-testid="rfm-means">
              {t('ana.rfm.means', { r: formatNumber(means.r, 2), f: formatNumber(means.f, 2), m: formatNumber(means.m, 2) })}
            </Typography.Paragraph>
          )}
        </Card>
      </Col>
    </Row>
  );
}
