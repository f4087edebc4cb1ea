// Sales dashboard: forecast, coverage and progress for me and my team; per person
// and per team tables (admin, manager, analyst); the funnel; forecast accuracy of a
// quarter; learned against configured win rates.
import { useEffect, useState } from 'react';
import { Alert, Card, Col, Row, Select, Space, Table, Typography } from 'antd';
import { api, qs } from '../api';
import { useUser } from '../auth';
import { ForecastStats } from '../components/ForecastStats';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { formatFen, formatRate } from '../money';
import { quarterChoices } from '../quarter';
import type { Accuracy, Forecast, FunnelStage, LeaderboardRow, LearnedRates, TeamRow } from '../salesTypes';
import { AccuracyChart } from '../sales/AccuracyChart';
import { FunnelChart } from '../sales/FunnelChart';
import { SalesFilterBar } from '../sales/SalesFilterBar';
import { useSalesFilters } from '../sales/useSalesFilters';
import { useStages } from '../sales/useStages';

/** GETs `path` whenever it changes; [data, error message]. */
function useGet<T>(path: string | null): [T | null, string | null] {
  const { t } = useI18n();
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!path) return;
    let stale = false;
    setData(null);
    api
      .get<T>(path)
      .then((d) => {
        if (stale) return;
        setData(d);
        setError(null);
      })
      .catch((e) => !stale && setError(errorMessage(t, e)));
    return () => {
      stale = true;
    };
  }, [path, t]);
  return [data, error];
}

const h2 = (text: string) => (
  <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
    {text}
  </Typography.Title>
);

export default function SalesDashboardPage() {
  const { t } = useI18n();
  const user = useUser();
  const stages = useStages();
  const [filters, setFilters] = useSalesFilters();
  const [accQuarter, setAccQuarter] = useState(filters.quarter);
  const wide = user.role === 'admin' || user.role === 'manager' || user.role === 'analyst';
  const scope = qs({ quarter: filters.quarter, owner: filters.owner, team: filters.team });

  const [mine, mineErr] = useGet<Forecast>(`/pipeline/forecast${qs({ quarter: filters.quarter, owner: user.login })}`);
  // A rep's scope is themself (the API answers 403 for their team).
  const showTeam = user.team_id !== null && user.role !== 'sales';
  const [team] = useGet<Forecast>(showTeam ? `/pipeline/forecast${qs({ quarter: filters.quarter, team: user.team_id })}` : null);
  const [scoped] = useGet<Forecast>(wide && (filters.owner || filters.team) ? `/pipeline/forecast${scope}` : null);
  const [leaders, leadersErr] = useGet<LeaderboardRow[]>(wide ? `/pipeline/leaderboard${scope}` : null);
  const [teams] = useGet<TeamRow[]>(wide ? `/pipeline/teams${qs({ quarter: filters.quarter })}` : null);
  const [funnel, funnelErr] = useGet<{ stages: FunnelStage[] }>(`/pipeline/funnel${scope}`);
  const [accuracy, accErr] = useGet<Accuracy>(`/pipeline/accuracy${qs({ quarter: accQuarter, owner: filters.owner, team: filters.team })}`);
  const [learned] = useGet<LearnedRates>(`/stages/learned${qs({ owner: filters.owner, team: filters.team })}`);

  const money = (v: number | null) => formatFen(v);
  return (
    <>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, marginTop: 0 }}>
        {t('dash.title')}
      </Typography.Title>
      <SalesFilterBar filters={filters} set={setFilters} />
      {mineErr && <Alert type="error" showIcon role="alert" message={mineErr} style={{ marginBottom: 16 }} />}

      <Card title={h2(t('dash.mine'))} style={{ marginBottom: 16 }} data-testid="dash-mine">
        <ForecastStats forecast={mine} testIdPrefix="mine" />
      </Card>
      {showTeam && (
        <Card title={h2(t('dash.myTeam'))} style={{ marginBottom: 16 }} data-testid="dash-team">
          <ForecastStats forecast={team} testIdPrefix="team" />
        </Card>
      )}
      {scoped && (
        <Card title={h2(t('dash.filtered'))} style={{ marginBottom: 16 }}>
          <ForecastStats forecast={scoped} testIdPrefix="scoped" />
        </Card>
      )}

      {wide && (
        <Row gutter={16}>
          <Col xs={24} xl={12}>
            <Card title={h2(t('dash.leaderboard'))} style={{ marginBottom: 16 }}>
              {leadersErr && <Alert type="error" showIcon message={leadersErr} />}
              <Table<LeaderboardRow>
                rowKey="user_id"
                size="small"
                pagination={false}
                dataSource={leaders ?? []}
                loading={!leaders && !leadersErr}
                data-testid="leaderboard"
                columns={[
                  { title: '#', key: 'rank', render: (_, __, i) => i + 1, width: 40 },
                  { title: t('dash.person'), key: 'name', render: (_, r) => r.display_name || r.login },
                  { title: t('forecast.closed'), key: 'closed', align: 'right', render: (_, r) => money(r.closed) },
                  { title: t('forecast.forecast'), key: 'forecast', align: 'right', render: (_, r) => money(r.forecast) },
                  { title: t('forecast.target'), key: 'target', align: 'right', render: (_, r) => money(r.target) },
                  { title: t('forecast.coverage'), key: 'coverage', align: 'right', render: (_, r) => formatRate(r.coverage) },
                  { title: t('dash.activity'), dataIndex: 'activity', align: 'right' },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} xl={12}>
            <Card title={h2(t('dash.teams'))} style={{ marginBottom: 16 }}>
              <Table<TeamRow>
                rowKey="team_id"
                size="small"
                pagination={false}
                dataSource={teams ?? []}
                data-testid="team-table"
                columns={[
                  { title: t('sales.filterTeam'), dataIndex: 'team_name' },
                  { title: t('forecast.closed'), key: 'closed', align: 'right', render: (_, r) => money(r.closed) },
                  { title: t('forecast.forecast'), key: 'forecast', align: 'right', render: (_, r) => money(r.forecast) },
                  { title: t('forecast.target'), key: 'target', align: 'right', render: (_, r) => money(r.target) },
                  { title: t('forecast.coverage'), key: 'coverage', align: 'right', render: (_, r) => formatRate(r.coverage) },
                  { title: t('forecast.progress'), key: 'progress', align: 'right', render: (_, r) => formatRate(r.progress) },
                ]}
              />
            </Card>
          </Col>
        </Row>
      )}

      <Row gutter={16}>
        <Col xs={24} xl={12}>
          <Card title={h2(t('funnel.title'))} style={{ marginBottom: 16 }}>
            {funnelErr && <Alert type="error" showIcon message={funnelErr} />}
            {funnel && <FunnelChart stages={funnel.stages} stageName={stages.name} />}
            {funnel && (
              <Table<FunnelStage>
                rowKey="key"
                size="small"
                pagination={false}
                dataSource={funnel.stages}
                data-testid="funnel-table"
                columns={[
                  { title: t('opp.stage'), key: 'name', render: (_, s) => stages.name(s.key) || s.name },
                  { title: t('funnel.countCol'), dataIndex: 'count', align: 'right' },
                  { title: t('opp.amount'), key: 'amount', align: 'right', render: (_, s) => formatFen(s.amount) },
                  { title: t('funnel.conversion'), key: 'conv', align: 'right', render: (_, s) => formatRate(s.conversion_rate) },
                  { title: t('funnel.avgDays'), key: 'days', align: 'right', render: (_, s) => (s.avg_days === null ? '—' : s.avg_days.toFixed(1)) },
                ]}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={12}>
          <Card
            title={h2(t('accuracy.title'))}
            extra={
              <Select
                aria-label={t('accuracy.quarter')}
                value={accQuarter}
                onChange={setAccQuarter}
                options={quarterChoices(8, 0).map((q) => ({ value: q, label: q }))}
                style={{ minWidth: 110 }}
              />
            }
            style={{ marginBottom: 16 }}
          >
            {accErr && <Alert type="error" showIcon message={accErr} />}
            {accuracy && (
              <>
                <AccuracyChart accuracy={accuracy} />
                <Space wrap size={24}>
                  <span>
                    {t('accuracy.actual')}: {formatFen(accuracy.actual)}
                  </span>
                  <span>
                    {t('accuracy.maeConfigured')}: {formatFen(accuracy.mean_abs_error_configured)}
                  </span>
                  <span>
                    {t('accuracy.maeLearned')}: {formatFen(accuracy.mean_abs_error_learned)}
                  </span>
                </Space>
              </>
            )}
          </Card>
          <Card title={h2(t('learned.title'))} style={{ marginBottom: 16 }}>
            {learned && (
              <>
                <Typography.Paragraph type="secondary">{t('learned.window', { from: learned.from, to: learned.to })}</Typography.Paragraph>
                <Table
                  rowKey="key"
                  size="small"
                  pagination={false}
                  dataSource={learned.items}
                  data-testid="learned-table"
                  columns={[
                    { title: t('opp.stage'), key: 'name', render: (_, s) => stages.name(s.key) || s.name },
                    { title: t('learned.configured'), key: 'c', align: 'right', render: (_, s) => formatRate(s.configured_rate) },
                    { title: t('learned.learned'), key: 'l', align: 'right', render: (_, s) => formatRate(s.learned_rate) },
                    { title: t('learned.passed'), dataIndex: 'passed', align: 'right' },
                    { title: t('learned.won'), dataIndex: 'won', align: 'right' },
                  ]}
                />
              </>
            )}
          </Card>
        </Col>
      </Row>
    </>
  );
}
