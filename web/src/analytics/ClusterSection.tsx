// k-means clusters: one card per cluster (size, share, mean and median of each
// feature in original units), the stability (ARI) and the k-choice table and chart.
import { useMemo } from 'react';
import { Alert, Card, Col, Descriptions, Row, Table } from 'antd';
import type { AnalyticsReport, KChoiceRow } from '../analyticsTypes';
import { EChart, type EChartOption } from '../components/EChart';
import { useI18n } from '../i18n';
import { PALETTE } from './charts';
import { featureLabel, formatNumber, formatProb } from './labels';
import { clusterProfiles } from './report';
import { SectionTitle } from './SectionTitle';

interface FeatureRow {
  feature: string;
  mean: number | undefined;
  median: number | undefined;
}

export function ClusterSection({ report }: { report: AnalyticsReport }) {
  const { t } = useI18n();
  const c = report.clusters;
  const profiles = clusterProfiles(report);
  const chooseK = c?.choose_k ?? [];

  const option = useMemo<EChartOption>(
    () => ({
      color: [PALETTE[0], PALETTE[1]],
      tooltip: { trigger: 'axis' },
      legend: { data: [t('ana.clusters.wcss'), t('ana.clusters.silhouette')] },
      grid: { left: 60, right: 60, top: 40, bottom: 40 },
      xAxis: { type: 'category', name: 'k', data: chooseK.map((r) => String(r.k)) },
      yAxis: [
        { type: 'value', name: t('ana.clusters.wcss') },
        { type: 'value', name: t('ana.clusters.silhouette'), min: -1, max: 1 },
      ],
      series: [
        { name: t('ana.clusters.wcss'), type: 'line', data: chooseK.map((r) => r.wcss) },
        { name: t('ana.clusters.silhouette'), type: 'line', yAxisIndex: 1, data: chooseK.map((r) => r.silhouette) },
      ],
    }),
    [chooseK, t],
  );

  if (!c || profiles.length === 0) return <Alert type="info" showIcon message={t('ana.noData')} />;
  const features = c.features?.length ? c.features : Object.keys(profiles[0].mean ?? {});

  return (
    <>
      <Card title={<SectionTitle text={t('ana.clusters.title', { k: c.k ?? profiles.length })} />} style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={{ xs: 1, md: 2 }}>
          <Descriptions.Item label={t('ana.clusters.stability')}>
            <span data-testid="cluster-stability">{formatNumber(c.stability ?? null, 3)}</span>
          </Descriptions.Item>
          {c.wcss !== undefined && <Descriptions.Item label={t('ana.clusters.wcss')}>{formatNumber(c.wcss, 2)}</Descriptions.Item>}
        </Descriptions>
        <Row gutter={[16, 16]}>
          {profiles.map((p, i) => (
            <Col xs={24} md={12} xl={6} key={p.cluster}>
              <Card
                size="small"
                type="inner"
                title={<h3 style={{ fontSize: 14, margin: 0 }}>{t('ana.clusters.cluster', { n: i + 1 })}</h3>}
                data-testid="cluster-card"
              >
                <Descriptions size="small" column={2}>
                  <Descriptions.Item label={t('ana.clusters.size')}>{p.size}</Descriptions.Item>
                  <Descriptions.Item label={t('ana.clusters.share')}>{formatProb(p.share)}</Descriptions.Item>
                </Descriptions>
                <Table<FeatureRow>
                  rowKey="feature"
                  size="small"
                  pagination={false}
                  dataSource={features.map((f) => ({ feature: f, mean: p.mean?.[f], median: p.median?.[f] }))}
                  columns={[
                    { title: t('ana.clusters.feature'), key: 'f', render: (_, r) => featureLabel(t, r.feature) },
                    { title: t('ana.clusters.mean'), key: 'mean', align: 'right', render: (_, r) => formatNumber(r.mean, 1) },
                    { title: t('ana.clusters.median'), key: 'median', align: 'right', render: (_, r) => formatNumber(r.median, 1) },
                  ]}
                />
              </Card>
            </Col>
          ))}
        </Row>
      </Card>
      {chooseK.length > 0 && (
        <Card title={<SectionTitle text={t('ana.clusters.chooseK')} />} style={{ marginBottom: 16 }}>
          <Row gutter={16}>
            <Col xs={24} xl={14}>
              <EChart option={option} height={300} testId="choose-k-chart" ariaLabel={t('ana.clusters.chooseKLabel')} />
            </Col>
            <Col xs={24} xl={10}>
              <Table<KChoiceRow>
                rowKey="k"
                size="small"
                pagination={false}
                dataSource={chooseK}
                data-testid="choose-k-table"
                columns={[
                  { title: t('ana.clusters.k'), dataIndex: 'k', align: 'right' },
                  { title: t('ana.clusters.wcss'), key: 'w', align: 'right', render: (_, r) => formatNumber(r.wcss, 1) },
                  { title: t('ana.clusters.silhouette'), key: 's', align: 'right', render: (_, r) => formatNumber(r.silhouette, 3) },
                ]}
              />
            </Col>
          </Row>
        </Card>
      )}
    </>
  );
}
