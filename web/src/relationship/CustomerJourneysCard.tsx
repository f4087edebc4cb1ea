// On the customer page: the customer's care journeys (关怀旅程) with their
// progress, a leave button with a reason, and adding the customer to a manual
// journey (a customer takes part in a journey once).
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, List, Popconfirm, Select, Space, Tag, Typography } from 'antd';
import { api } from '../api';
import { errorMessage } from '../errors';
import { useI18n, type MessageKey } from '../i18n';
import type { Journey } from './JourneysPage';

interface Enrollment {
  id: number;
  journey_id: number;
  journey_name: string;
  start_day: string;
  status: 'active' | 'completed' | 'left';
  next_position: number;
  step_count: number;
  left_reason: string;
}

const REASONS = ['opt_out', 'churned'] as const;
const STATUS_COLOR = { active: 'blue', completed: 'green', left: 'default' } as const;

export function CustomerJourneysCard({ customerId, writable }: { customerId: number; writable: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [items, setItems] = useState<Enrollment[] | null>(null);
  const [manual, setManual] = useState<Journey[]>([]);
  const [choice, setChoice] = useState<number | undefined>();
  const [reason, setReason] = useState<string>('opt_out');
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [mine, all] = await Promise.all([
        api.get<{ items: Enrollment[] }>(`/customers/${customerId}/journeys`),
        api.get<{ items: Journey[] }>('/journeys'),
      ]);
      setItems(mine.items);
      const taken = new Set(mine.items.map((e) => e.journey_id));
      setManual(all.items.filter((j) => j.trigger === 'manual' && j.enabled && !taken.has(j.id)));
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [customerId, t]);
  useEffect(() => { void load(); }, [load]);

  const enroll = async () => {
    if (!choice) return;
    try {
      await api.post(`/journeys/${choice}/enrollments`, { customer_id: customerId });
      message.success(t('jr.card.enrolled'));
      setChoice(undefined);
      await load();
    } catch (e) {
      setError(errorMessage(t, e));
    }
  };
  const leave = async (e: Enrollment) => {
    try {
      await api.post(`/journey-enrollments/${e.id}/leave`, { reason });
      message.success(t('jr.card.left'));
      await load();
    } catch (err) {
      setError(errorMessage(t, err));
    }
  };
  const reasonText = (r: string) => (REASONS.includes(r as (typeof REASONS)[number]) ? t(`jr.card.reason.${r}` as MessageKey) : r);

  return (
    <Card data-testid="customer-journeys" title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('jr.card.title')}</Typography.Title>}
      style={{ marginTop: 16 }}>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <List<Enrollment>
        size="small"
        loading={!items}
        dataSource={items ?? []}
        // The list's own empty text is too pale for WCAG contrast.
        locale={{ emptyText: <Typography.Text>{t('jr.card.empty')}</Typography.Text> }}
        renderItem={(e) => (
          <List.Item actions={writable && e.status === 'active' ? [
            <Popconfirm key="leave" okText={t('jr.card.leave')} cancelText={t('jr.cancel')} onConfirm={() => void leave(e)}
              title={(
                <Form layout="vertical" colon={false}>
                  <Typography.Paragraph style={{ maxWidth: 320 }}>{t('jr.card.leaveTitle')}</Typography.Paragraph>
                  <Form.Item label={t('jr.card.reason')} htmlFor={`journey-leave-reason-${e.id}`} style={{ margin: 0 }}>
                    <Select id={`journey-leave-reason-${e.id}`} value={reason} onChange={setReason} style={{ width: 160 }}
                      options={REASONS.map((r) => ({ value: r, label: t(`jr.card.reason.${r}`) }))} />
                  </Form.Item>
                </Form>
              )}>
              <Button size="small">{t('jr.card.leave')}</Button>
            </Popconfirm>,
          ] : []}>
            <Space wrap>
              <Typography.Text strong>{e.journey_name}</Typography.Text>
              <Tag color={STATUS_COLOR[e.status]}>{t(`jr.card.status.${e.status}`)}</Tag>
              <span>{t('jr.card.progress', { done: Math.min(e.next_position, e.step_count), total: e.step_count })}</span>
              <Typography.Text type="secondary">{t('jr.card.since', { day: e.start_day })}</Typography.Text>
              {e.status === 'left' && e.left_reason && (
                <Typography.Text type="secondary">{t('jr.card.leftReason', { reason: reasonText(e.left_reason) })}</Typography.Text>
              )}
            </Space>
          </List.Item>
        )}
      />
      {writable && manual.length > 0 && (
        <Form layout="inline" colon={false} style={{ marginTop: 12 }}>
          <Form.Item label={t('jr.card.enrollIn')} htmlFor="journey-enroll-select" style={{ margin: 0 }}>
            <Select id="journey-enroll-select" value={choice} onChange={setChoice} style={{ width: 200 }} data-testid="journey-enroll-select"
              options={manual.map((j) => ({ value: j.id, label: j.name }))} />
          </Form.Item>
          <Form.Item>
            <Button onClick={() => void enroll()} disabled={!choice} data-testid="journey-enroll">{t('jr.card.enroll')}</Button>
          </Form.Item>
        </Form>
      )}
    </Card>
  );
}
