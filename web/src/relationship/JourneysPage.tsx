// /settings/journeys (关怀旅程): the care journeys with their steps (day,
// channel, task title) and the care-date lead days. Everyone reads them;
// managers and admins create, edit (If-Match) and delete.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Typography } from 'antd';
import { ApiError, api } from '../api';
import { useUser } from '../auth';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/dict';

export const CHANNELS = ['face_to_face', 'phone', 'web', 'email', 'fax', 'wechat', 'sms', 'other'] as const;
const TRIGGERS = ['first_purchase', 'customer_created', 'manual'] as const;

interface Step {
  position?: number;
  day_offset: number;
  channel: string;
  title: string;
  note?: string;
}

export interface Journey {
  id: number;
  version: number;
  name: string;
  trigger: string;
  enabled: boolean;
  steps: Step[];
  active_enrollments: number;
}

type JourneyForm = Pick<Journey, 'name' | 'trigger' | 'enabled' | 'steps'>;

const EMPTY: JourneyForm = { name: '', trigger: 'manual', enabled: true, steps: [{ day_offset: 0, channel: 'phone', title: '' }] };

export default function JourneysPage() {
  const { t } = useI18n();
  const user = useUser();
  const editable = user.role === 'admin' || user.role === 'manager';
  return (
    <div>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, marginTop: 0 }}>{t('jr.title')}</Typography.Title>
      {!editable && <Alert type="info" showIcon message={t('jr.readOnly')} style={{ marginBottom: 16 }} />}
      <JourneysCard editable={editable} />
      <CareSettingsCard editable={editable} />
    </div>
  );
}

function JourneysCard({ editable }: { editable: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [journeys, setJourneys] = useState<Journey[] | null>(null);
  const [editing, setEditing] = useState<Journey | null>(null);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<JourneyForm>();

  const load = useCallback(async () => {
    try {
      setJourneys((await api.get<{ items: Journey[] }>('/journeys')).items);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [t]);
  useEffect(() => { void load(); }, [load]);

  const startNew = () => { setEditing(null); setOpen(true); form.setFieldsValue(EMPTY); };
  const startEdit = (j: Journey) => {
    setEditing(j);
    setOpen(true);
    form.setFieldsValue({ name: j.name, trigger: j.trigger, enabled: j.enabled, steps: j.steps.map((s) => ({ ...s })) });
  };
  const close = () => { setEditing(null); setOpen(false); form.resetFields(); };

  const save = async (values: JourneyForm) => {
    setError(null);
    const body = {
      name: values.name,
      trigger: values.trigger,
      enabled: values.enabled,
      steps: (values.steps ?? []).map((s) => ({ day_offset: s.day_offset, channel: s.channel, title: s.title ?? '', note: s.note ?? '' })),
    };
    try {
      if (editing) await api.put(`/journeys/${editing.id}`, body, { headers: { 'if-match': `"${editing.version}"` } });
      else await api.post('/journeys', body);
      message.success(t('jr.saved'));
      close();
      await load();
    } catch (e) {
      if (e instanceof ApiError) applyFieldErrors(form, e.problem.errors);
      setError(errorMessage(t, e));
    }
  };
  const remove = async (j: Journey) => {
    try {
      await api.del(`/journeys/${j.id}`, { headers: { 'if-match': `"${j.version}"` } });
      await load();
    } catch (e) {
      setError(errorMessage(t, e));
    }
  };

  return (
    <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('jr.title')}</Typography.Title>}
      extra={editable && !open ? <Button type="primary" onClick={startNew} data-testid="journey-new">{t('jr.new')}</Button> : null}>
      <Typography.Paragraph type="secondary">{t('jr.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Table<Journey>
        rowKey="id"
        size="small"
        data-testid="journeys"
        loading={!journeys}
        dataSource={journeys ?? []}
        pagination={false}
        locale={{ emptyText: t('jr.empty') }}
        columns={[
          { title: t('jr.col.name'), dataIndex: 'name' },
          { title: t('jr.col.trigger'), dataIndex: 'trigger', render: (v: string) => t(`jr.trigger.${v}` as MessageKey) },
          {
            title: t('jr.col.steps'),
            key: 'steps',
            render: (_: unknown, j) => t('jr.stepsSummary', { count: j.steps.length, days: j.steps.map((s) => s.day_offset).join(', ') }),
          },
          { title: t('jr.col.active'), dataIndex: 'active_enrollments' },
          { title: t('jr.col.enabled'), dataIndex: 'enabled', render: (v: boolean) => (v ? '✓' : '—') },
          ...(editable ? [{
            title: t('jr.col.action'),
            key: 'action',
            render: (_: unknown, j: Journey) => (
              <Space>
                <Button size="small" onClick={() => startEdit(j)}>{t('jr.edit')}</Button>
                <Popconfirm title={t('jr.deleteConfirm')} okText={t('jr.delete')} cancelText={t('jr.cancel')}
                  okButtonProps={{ danger: true }} onConfirm={() => void remove(j)}>
                  <Button size="small" danger>{t('jr.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          }] : []),
        ]}
      />
      {editable && open && (
        <Card type="inner" style={{ marginTop: 16 }}
          title={<Typography.Title level={3} style={{ fontSize: 15, margin: 0 }}>
            {editing ? t('jr.editTitle', { name: editing.name }) : t('jr.newTitle')}
          </Typography.Title>}>
          <Form<JourneyForm> form={form} name="journey" layout="vertical" colon={false} initialValues={EMPTY} onFinish={(v) => void save(v)}>
            <Space wrap align="start">
              <Form.Item name="name" label={t('jr.field.name')} rules={[{ required: true }]}><Input style={{ width: 220 }} /></Form.Item>
              <Form.Item name="trigger" label={t('jr.field.trigger')}>
                <Select style={{ width: 160 }} options={TRIGGERS.map((k) => ({ value: k, label: t(`jr.trigger.${k}`) }))} />
              </Form.Item>
              <Form.Item name="enabled" label={t('jr.field.enabled')} valuePropName="checked"><Switch /></Form.Item>
            </Space>
            <Typography.Title level={4} style={{ fontSize: 14 }}>{t('jr.stepsTitle')}</Typography.Title>
            <Form.List name="steps">
              {(fields, { add, remove: removeStep }) => (
                <div data-testid="journey-steps">
                  {fields.map((field, i) => (
                    <Space key={field.key} wrap align="end" style={{ display: 'flex', marginBottom: 4 }}>
                      <Typography.Text strong style={{ display: 'inline-block', width: 64, paddingBottom: 30 }}>{t('jr.step', { n: i + 1 })}</Typography.Text>
                      <Form.Item name={[field.name, 'day_offset']} label={`${t('jr.step.day')} (${t('jr.step', { n: i + 1 })})`} rules={[{ required: true }]}>
                        <InputNumber min={0} max={3650} style={{ width: 100 }} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'channel']} label={`${t('jr.step.channel')} (${t('jr.step', { n: i + 1 })})`}>
                        <Select style={{ width: 130 }} options={CHANNELS.map((c) => ({ value: c, label: t(`jr.channel.${c}`) }))} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'title']} label={`${t('jr.step.title')} (${t('jr.step', { n: i + 1 })})`} rules={[{ required: true }]}>
                        <Input style={{ width: 260 }} />
                      </Form.Item>
                      <Form.Item>
                        <Button onClick={() => removeStep(field.name)} disabled={fields.length <= 1}
                          aria-label={t('jr.step.remove', { n: i + 1 })}>−</Button>
                      </Form.Item>
                    </Space>
                  ))}
                  <Button onClick={() => {
                    const steps = (form.getFieldValue('steps') as Step[] | undefined) ?? [];
                    const last = steps.length ? steps[steps.length - 1].day_offset ?? 0 : -1;
                    add({ day_offset: last + 1, channel: 'phone', title: '' });
                  }} disabled={fields.length >= 20} data-testid="journey-add-step">{t('jr.addStep')}</Button>
                </div>
              )}
            </Form.List>
            <Space style={{ marginTop: 16 }}>
              <Button type="primary" htmlType="submit" data-testid="journey-save">{t('jr.save')}</Button>
              <Button onClick={close}>{t('jr.cancel')}</Button>
            </Space>
          </Form>
        </Card>
      )}
    </Card>
  );
}

function CareSettingsCard({ editable }: { editable: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<{ lead_days: number }>();

  useEffect(() => {
    api.get<{ lead_days: number }>('/care-settings')
      .then((s) => form.setFieldsValue(s))
      .catch((e) => setError(errorMessage(t, e)));
  }, [form, t]);

  const save = async (values: { lead_days: number }) => {
    setError(null);
    try {
      form.setFieldsValue(await api.put<{ lead_days: number }>('/care-settings', values));
      message.success(t('jr.care.saved'));
    } catch (e) {
      if (e instanceof ApiError) applyFieldErrors(form, e.problem.errors);
      setError(errorMessage(t, e));
    }
  };

  return (
    <Card style={{ marginTop: 16 }} title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('jr.care.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('jr.care.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Form form={form} name="careSettings" layout="inline" colon={false} onFinish={(v) => void save(v)}>
        <Form.Item name="lead_days" label={t('jr.care.leadDays')} rules={[{ required: true }]}>
          <InputNumber min={0} max={60} disabled={!editable} />
        </Form.Item>
        {editable && <Form.Item><Button type="primary" htmlType="submit" data-testid="care-save">{t('jr.care.save')}</Button></Form.Item>}
      </Form>
    </Card>
  );
}
