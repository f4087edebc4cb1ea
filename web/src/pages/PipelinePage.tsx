// Pipeline kanban: a column per open stage plus won/lost drop zones; cards are
// dragged (HTML5 drag and drop) to move an opportunity (PATCH {stage} + If-Match).
// The forecast of the current filter is shown above and refreshed after each move.
import { useCallback, useEffect, useState, type DragEvent } from 'react';
import { Alert, App, Button, Card, Dropdown, Space, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { api, isVersionConflict, qs } from '../api';
import { canWriteCustomers, useUser } from '../auth';
import { ForecastStats } from '../components/ForecastStats';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { formatFen, formatRate } from '../money';
import type { Board, Forecast, Opportunity } from '../salesTypes';
import { CreateOpportunityModal } from '../sales/CreateOpportunityModal';
import { LossReasonModal } from '../sales/LossReasonModal';
import { SalesFilterBar } from '../sales/SalesFilterBar';
import { useSalesFilters } from '../sales/useSalesFilters';
import { useStages } from '../sales/useStages';
import '../sales/sales.css';
import { MAN_ACTION_COLOURS, TAG } from '../sales/colours';

const DRAG_TYPE = 'application/x-guanxi-opportunity';

export default function PipelinePage() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const navigate = useNavigate();
  const stages = useStages();
  const [filters, setFilters] = useSalesFilters();
  const [board, setBoard] = useState<Board | null>(null);
  const [forecast, setForecast] = useState<Forecast | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [losing, setLosing] = useState<Opportunity | null>(null);
  const [busy, setBusy] = useState(false);
  const [dragOver, setDragOver] = useState<string | null>(null);
  const writable = canWriteCustomers(user.role);

  const scope = { owner: filters.owner, team: filters.team, quarter: filters.quarter };
  const scopeKey = JSON.stringify(scope);
  const load = useCallback(async () => {
    const q = qs(JSON.parse(scopeKey) as Record<string, string>);
    try {
      const [b, f] = await Promise.all([api.get<Board>(`/pipeline/board${q}`), api.get<Forecast>(`/pipeline/forecast${q}`)]);
      setBoard(b);
      setForecast(f);
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [scopeKey, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const findOpp = (id: number) => board?.stages.flatMap((s) => s.items).find((o) => o.id === id) ?? null;

  const move = async (opp: Opportunity, stage: string, lossReason?: string) => {
    if (opp.stage === stage) return;
    setBusy(true);
    try {
      await api.patch<Opportunity>(`/opportunities/${opp.id}`, { stage, ...(lossReason ? { loss_reason: lossReason } : {}) }, opp.version);
      message.success(t('pipeline.moved', { title: opp.title, stage: stages.name(stage) }));
      setLosing(null);
    } catch (e) {
      if (isVersionConflict(e)) message.warning(t('pipeline.conflict'));
      else message.error(errorMessage(t, e));
    } finally {
      setBusy(false);
      await load();
    }
  };

  const requestMove = (opp: Opportunity, stage: string) => {
    if (stage === 'lost') setLosing(opp);
    else void move(opp, stage);
  };

  const dropProps = (stage: string) => ({
    onDragOver: (e: DragEvent) => {
      if (!writable) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'move';
      if (dragOver !== stage) setDragOver(stage);
    },
    onDragLeave: () => setDragOver((s) => (s === stage ? null : s)),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setDragOver(null);
      const id = Number(e.dataTransfer.getData(DRAG_TYPE) || e.dataTransfer.getData('text/plain'));
      const opp = id ? findOpp(id) : null;
      if (opp) requestMove(opp, stage);
    },
  });

  const moveTargets = (opp: Opportunity) =>
    [...stages.open.map((s) => s.key), 'won', 'lost']
      .filter((k) => k !== opp.stage)
      .map((k) => ({ key: k, label: stages.name(k) }));

  const card = (o: Opportunity) => (
    <Card
      key={o.id}
      size="small"
      className="gx-opp-card"
      data-testid={`opp-card-${o.id}`}
      draggable={writable}
      onDragStart={(e: DragEvent) => {
        e.dataTransfer.setData(DRAG_TYPE, String(o.id));
        e.dataTransfer.setData('text/plain', String(o.id));
        e.dataTransfer.effectAllowed = 'move';
      }}
      style={{ marginBottom: 8, cursor: writable ? 'grab' : undefined }}
    >
      <Space direction="vertical" size={2} style={{ width: '100%' }}>
        <Space style={{ justifyContent: 'space-between', width: '100%' }} align="start">
          <Link to={`/opportunities/${o.id}`} data-testid="opp-card-title" draggable={false}>
            {o.title}
          </Link>
          <Tooltip title={t('opp.manCode')}>
            <Tag color={MAN_ACTION_COLOURS[o.man?.action ?? ''] ?? TAG.grey} style={{ marginInlineEnd: 0, fontFamily: 'monospace' }} data-testid="opp-card-man">
              {o.man?.code ?? ''}
            </Tag>
          </Tooltip>
        </Space>
        <Typography.Text type="secondary">{o.customer_name}</Typography.Text>
        <Typography.Text strong data-testid="opp-card-amount">
          {formatFen(o.amount)}
        </Typography.Text>
        <Space size={8} wrap style={{ fontSize: 12 }}>
          <span>{o.owner_name || t('opp.noOwner')}</span>
          <span>
            {t('opp.expectedCloseShort')} {o.expected_close}
          </span>
        </Space>
        {writable && (
          <Dropdown
            trigger={['click']}
            menu={{ items: moveTargets(o), onClick: ({ key }) => requestMove(o, key) }}
          >
            <Button size="small" type="link" style={{ padding: 0 }} aria-label={t('pipeline.moveTo', { title: o.title })}>
              {t('pipeline.move')}
            </Button>
          </Dropdown>
        )}
      </Space>
    </Card>
  );

  const zoneStyle = (stage: string) => ({
    background: dragOver === stage ? '#e6f0ff' : '#f5f6f8',
    outline: dragOver === stage ? '2px dashed #1f5fbf' : undefined,
  });

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }}>
          {t('pipeline.title')}
        </Typography.Title>
        <Space>
          <Button onClick={() => void load()}>{t('common.reload')}</Button>
          {writable && (
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="create-opportunity">
              {t('opp.create')}
            </Button>
          )}
        </Space>
      </Space>
      <SalesFilterBar filters={filters} set={setFilters} />
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <ForecastStats forecast={forecast} />
      <div className="gx-board" data-testid="pipeline-board" aria-busy={busy}>
        {(board?.stages ?? []).map((s) => (
          <section key={s.key} className="gx-board-col" style={zoneStyle(s.key)} data-testid={`stage-col-${s.key}`} aria-label={stages.name(s.key) || s.name} {...dropProps(s.key)}>
            <header className="gx-board-col-head">
              <Typography.Title level={2} style={{ fontSize: 15, margin: 0 }}>
                {stages.name(s.key) || s.name}
              </Typography.Title>
              <div className="gx-board-col-meta">
                <span data-testid="stage-rate">{t('pipeline.winRate', { rate: formatRate(s.win_rate, 0) })}</span>
                <span data-testid="stage-count">{t('pipeline.count', { n: s.count })}</span>
                <span data-testid="stage-amount">{formatFen(s.amount)}</span>
              </div>
            </header>
            {s.items.map(card)}
            {s.count > s.items.length && (
              <Typography.Text type="secondary">{t('pipeline.more', { n: s.count - s.items.length })}</Typography.Text>
            )}
          </section>
        ))}
        <div className="gx-board-closed">
          <section className="gx-board-drop gx-board-won" style={zoneStyle('won')} data-testid="drop-won" aria-label={t('pipeline.dropWon')} {...dropProps('won')}>
            {t('pipeline.dropWon')}
          </section>
          <section className="gx-board-drop gx-board-lost" style={zoneStyle('lost')} data-testid="drop-lost" aria-label={t('pipeline.dropLost')} {...dropProps('lost')}>
            {t('pipeline.dropLost')}
          </section>
        </div>
      </div>
      <CreateOpportunityModal
        open={creating}
        stages={stages}
        onClose={() => setCreating(false)}
        onCreated={(o) => {
          setCreating(false);
          void load();
          navigate(`/opportunities/${o.id}`);
        }}
      />
      <LossReasonModal
        open={losing !== null}
        title={losing?.title ?? ''}
        busy={busy}
        onCancel={() => setLosing(null)}
        onSubmit={(reason) => losing && void move(losing, 'lost', reason)}
      />
    </>
  );
}
