// /settings/visit-plans (回访计划): the return-visit plans, tried in order, and
// the event rules. Everyone reads them; managers and admins add, edit (If-Match)
// and delete.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Typography } from 'antd';
import { ApiError, api } from '../api';
import { useUser } from '../auth';
import { useRefData } from '../data';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/dict';

interface VisitPlan {
  id: number;
  version: number;
  name: string;
  class_kind: string;
  class_value: string;
  interval_days: number;
  position: number;
  task_title: string;
  priority: string;
  enabled: boolean;
}

interface EventRule {
  id: number;
  version: number;
  event: string;
  delay_days: number;
  task_title: string;
  priority: string;
  enabled: boolean;
}

type PlanForm = Omit<VisitPlan, 'id' | 'version'>;
type RuleForm = Omit<EventRule, 'id' | 'version'>;

const CLASS_KINDS = ['all', 'tier', 'rfm_class', 'relationship_level', 'tag'] as const;
const TIERS = ['strategic', 'important', 'general', 'potential'];
const RFM_CLASSES = [
  'important_value', 'important_development', 'important_retention', 'important_win_back',
  'general_value', 'general_development', 'general_retention', 'general_win_back',
];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const EVENTS = ['order_refunded', 'repurchase_due', 'case_closed'];

const EMPTY_PLAN: PlanForm = {
  name: '', class_kind: 'all', class_value: '', interval_days: 30, position: 1, task_title: '', priority: 'normal', enabled: true,
};
const EMPTY_RULE: RuleForm = { event: 'order_refunded', delay_days: 1, task_title: '', priority: 'normal', enabled: true };

const ifMatch = (version: number) => ({ headers: { 'if-match': `"${version}"` } });

export default function VisitPlansPage() {
  const { t } = useI18n();
  const user = useUser();
  const editable = user.role === 'admin' || user.role === 'manager';
  return (
    <div>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, marginTop: 0 }}>{t('plans.title')}</Typography.Title>
      {!editable && <Alert type="info" showIcon message={t('plans.readOnly')} style={{ marginBottom: 16 }} />}
      <PlansCard editable={editable} />
      <RulesCard editable={editable} />
    </div>
  );
}

function useClassLabels() {
  const { t, label } = useI18n();
  return (kind: string, value: string) => {
    if (kind === 'tier') return t(`ana.tier.${value}` as MessageKey);
    if (kind === 'rfm_class') return t(`ana.class.${value}` as MessageKey);
    if (kind === 'relationship_level') return label('relationship_level', value);
    return value;
  };
}

function PlansCard({ editable }: { editable: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const { meta } = useRefData();
  const valueLabel = useClassLabels();
  const [plans, setPlans] = useState<VisitPlan[] | null>(null);
  const [editing, setEditing] = useState<VisitPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<PlanForm>();
  const kind = Form.useWatch('class_kind', form) ?? 'all';

  const load = useCallback(async () => {
    try {
      setPlans((await api.get<{ items: VisitPlan[] }>('/visit-plans')).items);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [t]);
  useEffect(() => { void load(); }, [load]);

  const reset = () => { setEditing(null); form.setFieldsValue(EMPTY_PLAN); };
  const save = async (values: PlanForm) => {
    setError(null);
    const body = { ...EMPTY_PLAN, ...values, class_value: values.class_kind === 'all' ? '' : values.class_value ?? '' };
    try {
      if (editing) await api.put(`/visit-plans/${editing.id}`, body, ifMatch(editing.version));
      else await api.post('/visit-plans', body);
      message.success(t('plans.saved'));
      reset();
      await load();
    } catch (e) {
      if (e instanceof ApiError) applyFieldErrors(form, e.problem.errors);
      setError(errorMessage(t, e));
    }
  };
  const remove = async (p: VisitPlan) => {
    try {
      await api.del(`/visit-plans/${p.id}`, ifMatch(p.version));
      await load();
    } catch (e) {
      setError(errorMessage(t, e));
    }
  };

  const valueOptions = (k: string) => {
    const values = k === 'tier' ? TIERS : k === 'rfm_class' ? RFM_CLASSES : k === 'relationship_level' ? meta.relationship_levels : [];
    return values.map((v) => ({ value: v, label: valueLabel(k, v) }));
  };
  const classText = (p: VisitPlan) =>
    `${t(`plans.kind.${p.class_kind}` as MessageKey)}${p.class_value ? `：${valueLabel(p.class_kind, p.class_value)}` : ''}`;

  return (
    <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('plans.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('plans.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Table<VisitPlan>
        rowKey="id"
        size="small"
        data-testid="visit-plans"
        loading={!plans}
        dataSource={plans ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t('plans.empty')}</Typography.Text> }}
        columns={[
          { title: t('plans.col.position'), dataIndex: 'position' },
          { title: t('plans.col.name'), dataIndex: 'name' },
          { title: t('plans.col.class'), key: 'class', render: (_: unknown, p) => classText(p) },
          { title: t('plans.col.interval'), dataIndex: 'interval_days' },
          { title: t('plans.col.title'), dataIndex: 'task_title' },
          { title: t('plans.col.priority'), dataIndex: 'priority', render: (v: string) => t(`plans.priority.${v}` as MessageKey) },
          { title: t('plans.col.enabled'), dataIndex: 'enabled', render: (v: boolean) => (v ? '✓' : '—') },
          ...(editable ? [{
            title: t('plans.col.action'),
            key: 'action',
            render: (_: unknown, p: VisitPlan) => (
              <Space>
                <Button size="small" onClick={() => { setEditing(p); form.setFieldsValue(p); }}>{t('common.edit')}</Button>
                <Popconfirm title={t('plans.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }} onConfirm={() => void remove(p)}>
                  <Button size="small" danger>{t('plans.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          }] : []),
        ]}
      />
      {editable && (
        <Form<PlanForm> form={form} name="visitPlan" layout="inline" colon={false} initialValues={EMPTY_PLAN} onFinish={(v) => void save(v)} style={{ marginTop: 16, rowGap: 8 }}>
          <Form.Item name="name" label={t('plans.col.name')} rules={[{ required: true }]}><Input style={{ width: 140 }} /></Form.Item>
          <Form.Item name="class_kind" label={t('plans.field.classKind')}>
            <Select style={{ width: 140 }} onChange={() => form.setFieldValue('class_value', '')}
              options={CLASS_KINDS.map((k) => ({ value: k, label: t(`plans.kind.${k}`) }))} />
          </Form.Item>
          {kind === 'tag' && (
            <Form.Item name="class_value" label={t('plans.field.tag')} rules={[{ required: true }]}><Input style={{ width: 120 }} /></Form.Item>
          )}
          {kind !== 'all' && kind !== 'tag' && (
            <Form.Item name="class_value" label={t('plans.field.classValue')}>
              <Select style={{ width: 160 }} options={valueOptions(kind)} />
            </Form.Item>
          )}
          <Form.Item name="interval_days" label={t('plans.col.interval')}><InputNumber min={1} max={3650} /></Form.Item>
          <Form.Item name="task_title" label={t('plans.col.title')} rules={[{ required: true }]}><Input style={{ width: 160 }} /></Form.Item>
          <Form.Item name="priority" label={t('plans.col.priority')}>
            <Select style={{ width: 100 }} options={PRIORITIES.map((p) => ({ value: p, label: t(`plans.priority.${p}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="position" label={t('plans.col.position')}><InputNumber min={0} /></Form.Item>
          <Form.Item name="enabled" label={t('plans.col.enabled')} valuePropName="checked"><Switch /></Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="visit-plan-save">{editing ? t('plans.save') : t('plans.add')}</Button>
              {editing && <Button onClick={reset}>{t('common.cancel')}</Button>}
            </Space>
          </Form.Item>
        </Form>
      )}
    </Card>
  );
}

function RulesCard({ editable }: { editable: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [rules, setRules] = useState<EventRule[] | null>(null);
  const [editing, setEditing] = useState<EventRule | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<RuleForm>();

  const load = useCallback(async () => {
    try {
      setRules((await api.get<{ items: EventRule[] }>('/event-rules')).items);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [t]);
  useEffect(() => { void load(); }, [load]);

  const reset = () => { setEditing(null); form.setFieldsValue(EMPTY_RULE); };
  const save = async (values: RuleForm) => {
    setError(null);
    const body = { ...EMPTY_RULE, ...values };
    try {
      if (editing) await api.put(`/event-rules/${editing.id}`, body, ifMatch(editing.version));
      else await api.post('/event-rules', body);
      message.success(t('rules.saved'));
      reset();
      await load();
    } catch (e) {
      if (e instanceof ApiError) applyFieldErrors(form, e.problem.errors);
      setError(errorMessage(t, e));
    }
  };
  const remove = async (r: EventRule) => {
    try {
      await api.del(`/event-rules/${r.id}`, ifMatch(r.version));
      await load();
    } catch (e) {
      setError(errorMessage(t, e));
    }
  };

  return (
    <Card style={{ marginTop: 16 }} title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('rules.title')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('rules.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Table<EventRule>
        rowKey="id"
        size="small"
        data-testid="event-rules"
        loading={!rules}
        dataSource={rules ?? []}
        pagination={false}
        locale={{ emptyText: <Typography.Text type="secondary">{t('rules.empty')}</Typography.Text> }}
        columns={[
          { title: t('rules.col.event'), dataIndex: 'event', render: (v: string) => t(`rules.event.${v}` as MessageKey) },
          { title: t('rules.col.delay'), dataIndex: 'delay_days' },
          { title: t('plans.col.title'), dataIndex: 'task_title' },
          { title: t('plans.col.priority'), dataIndex: 'priority', render: (v: string) => t(`plans.priority.${v}` as MessageKey) },
          { title: t('plans.col.enabled'), dataIndex: 'enabled', render: (v: boolean) => (v ? '✓' : '—') },
          ...(editable ? [{
            title: t('plans.col.action'),
            key: 'action',
            render: (_: unknown, r: EventRule) => (
              <Space>
                <Button size="small" onClick={() => { setEditing(r); form.setFieldsValue(r); }}>{t('common.edit')}</Button>
                <Popconfirm title={t('rules.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }} onConfirm={() => void remove(r)}>
                  <Button size="small" danger>{t('plans.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          }] : []),
        ]}
      />
      {editable && (
        <Form<RuleForm> form={form} name="eventRule" layout="inline" colon={false} initialValues={EMPTY_RULE} onFinish={(v) => void save(v)} style={{ marginTop: 16, rowGap: 8 }}>
          <Form.Item name="event" label={t('rules.col.event')}>
            <Select style={{ width: 150 }} options={EVENTS.map((e) => ({ value: e, label: t(`rules.event.${e}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="delay_days" label={t('rules.col.delay')}><InputNumber min={0} max={365} /></Form.Item>
          <Form.Item name="task_title" label={t('plans.col.title')} rules={[{ required: true }]}><Input style={{ width: 160 }} /></Form.Item>
          <Form.Item name="priority" label={t('plans.col.priority')}>
            <Select style={{ width: 100 }} options={PRIORITIES.map((p) => ({ value: p, label: t(`plans.priority.${p}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="enabled" label={t('plans.col.enabled')} valuePropName="checked"><Switch /></Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit" data-testid="event-rule-save">{editing ? t('rules.save') : t('rules.add')}</Button>
              {editing && <Button onClick={reset}>{t('common.cancel')}</Button>}
            </Space>
          </Form.Item>
        </Form>
      )}
    </Card>
  );
}
