// On the customer page: the lifecycle stage (客户生命周期) and formation-ladder rung
// (客户阶梯) as steps, why the rules derive what they do, overrides with "derive
// again" (If-Match: the customer's version), and the history of changes.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, List, Select, Space, Steps, Tag, Typography } from 'antd';
import { ApiError, request } from '../api';
import { errorMessage } from '../errors';
import { useI18n, type MessageKey } from '../i18n';

const STAGES = ['exploration', 'formation', 'stability', 'decline', 'lost'] as const;
const RUNGS = ['suspect', 'prospect', 'first_time_buyer', 'repeat_buyer', 'client', 'member', 'advocate', 'partner'] as const;

interface HistoryEntry {
  id: number;
  at: number;
  field: 'stage' | 'ladder';
  from: string;
  to: string;
  source: 'derived' | 'override' | 'override_cleared';
  user_id: number | null;
  user_name: string;
}

interface Lifecycle {
  customer_id: number;
  version: number;
  stage: string;
  ladder: string;
  stage_overridden: boolean;
  ladder_overridden: boolean;
  derived: { stage: string; ladder: string; reason: string; stage_reason: string; ladder_reason: string };
  history: HistoryEntry[];
}

interface Props {
  customerId: number;
  /** The customer's version: a change (an edit elsewhere on the page) reloads the card. */
  version: number;
  writable: boolean;
  /** Called after an override changed the customer (its version moved on). */
  onChanged: () => void;
}

export function LifecycleCard({ customerId, version, writable, onChanged }: Props) {
  const { t, label, fmtTime } = useI18n();
  const { message } = App.useApp();
  const [data, setData] = useState<Lifecycle | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [stage, setStage] = useState<string | undefined>();
  const [ladder, setLadder] = useState<string | undefined>();

  const load = useCallback(async () => {
    try {
      const r = await request<Lifecycle>('GET', `/customers/${customerId}/lifecycle`);
      setData(r.data);
      setStage(r.data.stage);
      setLadder(r.data.ladder);
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [customerId, t]);

  useEffect(() => {
    void load();
  }, [load, version]);

  const rung = (v: string) => (v ? t(`lifecycle.rung.${v}` as MessageKey) : t('common.none'));
  const reason = (v: string) => t(`lifecycle.reason.${v}` as MessageKey);
  const valueOf = (field: string, v: string) => (field === 'stage' ? label('lifecycle_stage', v) : rung(v));

  const put = async (body: Record<string, string>) => {
    if (!data) return;
    setBusy(true);
    try {
      await request('PUT', `/customers/${customerId}/lifecycle`, { body, headers: { 'if-match': `"${data.version}"` } });
      message.success(t('lifecycle.saved'));
      onChanged();
      await load();
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        message.warning(t('lifecycle.conflict'));
        onChanged();
        await load();
      } else {
        setError(errorMessage(t, e));
      }
    } finally {
      setBusy(false);
    }
  };

  const save = () => {
    if (!data) return;
    const body: Record<string, string> = {};
    // Only what the user changed: the other field keeps deriving.
    if (stage && stage !== data.stage) body.stage = stage;
    if (ladder && ladder !== data.ladder) body.ladder = ladder;
    if (Object.keys(body).length > 0) void put(body);
  };

  const title = <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('lifecycle.title')}</Typography.Title>;
  if (!data) {
    return <Card title={title} style={{ marginBottom: 16 }} loading={!error}>{error && <Alert type="error" showIcon message={error} />}</Card>;
  }
  const stageIdx = STAGES.indexOf(data.stage as (typeof STAGES)[number]);
  const rungIdx = RUNGS.indexOf(data.ladder as (typeof RUNGS)[number]);
  return (
    <Card title={title} style={{ marginBottom: 16 }} data-testid="lifecycle-card">
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Typography.Text strong>
        {t('lifecycle.stage')}: {label('lifecycle_stage', data.stage)}{' '}
        {data.stage_overridden && <Tag color="orange" data-testid="stage-overridden">{t('lifecycle.overridden')}</Tag>}
      </Typography.Text>
      <Steps
        size="small"
        style={{ margin: '8px 0 16px' }}
        current={stageIdx}
        status={data.stage === 'lost' || data.stage === 'decline' ? 'error' : 'process'}
        items={STAGES.map((s) => ({ title: label('lifecycle_stage', s) }))}
        data-testid="lifecycle-stage-steps"
      />
      <Typography.Text strong>
        {t('lifecycle.ladder')}: {rung(data.ladder)}{' '}
        {data.ladder_overridden && <Tag color="orange" data-testid="ladder-overridden">{t('lifecycle.overridden')}</Tag>}
      </Typography.Text>
      <Steps
        size="small"
        progressDot
        style={{ margin: '8px 0 16px' }}
        current={rungIdx}
        items={RUNGS.map((r) => ({ title: rung(r) }))}
        data-testid="lifecycle-ladder-steps"
      />
      <Typography.Paragraph type="secondary" data-testid="lifecycle-derived">
        {t('lifecycle.derivedBecause', {
          stage: label('lifecycle_stage', data.derived.stage),
          stageReason: reason(data.derived.stage_reason),
          ladder: rung(data.derived.ladder),
          ladderReason: reason(data.derived.ladder_reason),
        })}
      </Typography.Paragraph>
      {writable && (
        <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }} onFinish={save}>
          <Form.Item label={t('lifecycle.setStage')} htmlFor="lifecycle-stage">
            <Select id="lifecycle-stage" aria-label={t('lifecycle.setStage')} style={{ width: 140 }} value={stage} onChange={setStage}
              options={STAGES.map((s) => ({ value: s, label: label('lifecycle_stage', s) }))} />
          </Form.Item>
          <Form.Item label={t('lifecycle.setLadder')} htmlFor="lifecycle-ladder">
            <Select id="lifecycle-ladder" aria-label={t('lifecycle.setLadder')} style={{ width: 160 }} value={ladder} onChange={setLadder}
              options={RUNGS.map((r) => ({ value: r, label: rung(r) }))} />
          </Form.Item>
          <Space wrap>
            <Button type="primary" htmlType="submit" disabled={busy} data-testid="lifecycle-save">{t('lifecycle.save')}</Button>
            {data.stage_overridden && (
              <Button disabled={busy} onClick={() => void put({ clear_override: 'stage' })} data-testid="lifecycle-clear-stage">
                {t('lifecycle.clearStage')}
              </Button>
            )}
            {data.ladder_overridden && (
              <Button disabled={busy} onClick={() => void put({ clear_override: 'ladder' })} data-testid="lifecycle-clear-ladder">
                {t('lifecycle.clearLadder')}
              </Button>
            )}
          </Space>
        </Form>
      )}
      <Typography.Title level={3} style={{ fontSize: 14 }}>{t('lifecycle.history')}</Typography.Title>
      <List
        size="small"
        data-testid="lifecycle-history"
        /* antd's grey empty text fails contrast: plain text colour instead. */
        locale={{ emptyText: <Typography.Text>{t('lifecycle.historyEmpty')}</Typography.Text> }}
        dataSource={data.history}
        renderItem={(h) => (
          <List.Item>
            <Space wrap>
              <span>{fmtTime(new Date(h.at * 1000).toISOString())}</span>
              <span>{t(`lifecycle.history.${h.field}` as MessageKey)}</span>
              <span>{h.from ? `${valueOf(h.field, h.from)} → ` : ''}{valueOf(h.field, h.to)}</span>
              <Tag>{t(`lifecycle.source.${h.source}` as MessageKey)}</Tag>
              <span>{h.user_name || t('lifecycle.system')}</span>
            </Space>
          </List.Item>
        )}
      />
    </Card>
  );
}
