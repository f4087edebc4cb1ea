// The customer page's value metrics (GET /customers/{id}/metrics): RFM scores and
// class, tier, CLV, P(alive), expected purchases, churn risk, attack/defend and the
// products the basket rules recommend.
import { Alert, Card, Descriptions, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import type { CustomerMetric } from '../analyticsTypes';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import { classLabel, formatNumber, formatProb, quadrantLabel, tierLabel } from './labels';
import { useGet } from './useGet';

export function MetricsCard({ customerId }: { customerId: number }) {
  const { t } = useI18n();
  const m = useGet<CustomerMetric>(`/customers/${customerId}/metrics`);
  const none = t('common.none');
  const field = (name: string, value: React.ReactNode) => <span data-testid={`metric-${name}`}>{value}</span>;

  let body: React.ReactNode;
  if (m.loading) body = <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>;
  else if (m.status === 404) body = <Typography.Text type="secondary" data-testid="metrics-none">{t('ana.metrics.none')}</Typography.Text>;
  else if (m.error || !m.data) body = <Alert type="error" showIcon message={m.error} />;
  else {
    const d = m.data;
    const atRisk = d.churn_risk === null ? null : Boolean(d.churn_risk);
    body = (
      <>
        <Typography.Paragraph type="secondary">
          {t('ana.metrics.asOf', { asOf: d.as_of })} · <Link to="/analytics">{t('nav.analytics')}</Link>
        </Typography.Paragraph>
        <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 3 }}>
          <Descriptions.Item label={t('ana.metrics.rfmScores')}>
            {field(
              'rfm_scores',
              d.r_score === null ? none : t('ana.metrics.rfmScoresValue', { r: d.r_score, f: d.f_score ?? none, m: d.m_score ?? none }),
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.rfmClass')}>{field('rfm_class', classLabel(t, d.rfm_class))}</Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.tier')}>{field('tier', tierLabel(t, d.tier))}</Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.recency')}>
            {field('recency', d.recency_days === null ? none : t('ana.churn.days', { n: d.recency_days }))}
          </Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.frequency')}>{field('frequency', d.frequency ?? none)}</Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.monetary')}>{field('monetary', formatFen(d.monetary))}</Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.clv')}>{field('clv', formatFen(d.clv))}</Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.pAlive')}>{field('p_alive', formatProb(d.p_alive))}</Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.expectedPurchases')}>{field('expected_purchases', formatNumber(d.expected_purchases, 2))}</Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.churnRisk')}>
            {field(
              'churn_risk',
              atRisk === null ? none : <Tag color={atRisk ? 'red' : 'green'}>{atRisk ? t('ana.metrics.atRisk') : t('ana.metrics.notAtRisk')}</Tag>,
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.valueAtRisk')}>{field('value_at_risk', formatFen(d.value_at_risk))}</Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.attackDefend')}>
            {field('attack_defend', d.attack_defend ? quadrantLabel(t, d.attack_defend) : none)}
            {d.wallet_share !== null && d.wallet_share !== undefined && ` · ${t('ana.metrics.walletShare')} ${formatProb(d.wallet_share)}`}
          </Descriptions.Item>
          <Descriptions.Item label={t('ana.metrics.recommendations')} span={3}>
            <span data-testid="metric-recommendations">
              {d.recommendations && d.recommendations.length > 0
                ? d.recommendations.map((r, i) => (
                    <span key={r.code} data-testid="recommendation">
                      {i > 0 && '；'}
                      {r.name} <Typography.Text type="secondary">({r.code} · {t('ana.metrics.confidence', { p: formatProb(r.score) })})</Typography.Text>
                    </span>
                  ))
                : t('ana.metrics.noRecommendation')}
            </span>
          </Descriptions.Item>
        </Descriptions>
      </>
    );
  }

  return (
    <Card
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('ana.metrics.title')}</Typography.Title>}
      style={{ marginBottom: 16 }}
      data-testid="metrics-card"
    >
      {body}
    </Card>
  );
}
