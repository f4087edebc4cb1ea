// The pool's return rules and claim limits (on the /pool page): managers read
// them, admins add, edit (If-Match), delete rules and change the limits.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Popconfirm, Select, Space, Switch, Table, Typography } from 'antd';
import { api, request } from '../api';
import { applyFieldErrors, errorMessage } from '../errors';
import { ApiError } from '../api';
import { useI18n } from '../i18n';

interface PoolRule {
  id: number;
  version: number;
  name: string;
  class_kind: string;
  class_value: string;
  no_follow_up_days: number | null;
  no_deal_days: number | null;
  warn_days: number;
  position: number;
  enabled: boolean;
}

type RuleForm = Omit<PoolRule, 'id' | 'version'>;
type Limits = Record<string, number | null>;

const CLASS_KINDS = ['all', 'tier', 'rfm_class', 'relationship_level', 'tag'] as const;
const EMPTY: RuleForm = {
  name: '', class_kind: 'all', class_value: '', no_follow_up_days: 30, no_deal_days: null, warn_days: 3, position: 1, enabled: true,
};

export function PoolRulesCard({ editable }: { editable: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [rules, setRules] = useState<PoolRule[] | null>(null);
  const [editing, setEditing] = useState<PoolRule | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm<RuleForm>();
  const [limitsForm] = Form.useForm<Limits>();

  const load = useCallback(async () => {
    try {
      setRules((await api.get<{ items: PoolRule[] }>('/pool-rules')).items);
      limitsForm.setFieldsValue((await api.get<{ claim_limits: Limits }>('/pool-settings')).claim_limits);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [t, limitsForm]);
  useEffect(() => { void load(); }, [load]);

  const save = async (values: RuleForm) => {
    setError(null);
    const body = { ...EMPTY, ...values, class_value: values.class_kind === 'all' ? '' : values.class_value ?? '' };
    try {
      if (editing) {
        await request('PUT', `/pool-rules/${editing.id}`, { body, headers: { 'if-match': `"${editing.version}"` } });
      } else {
        await api.post('/pool-rules', body);
      }
      message.success(t('pool.rule.saved'));
      setEditing(null);
      form.setFieldsValue(EMPTY);
      await load();
    } catch (e) {
      if (e instanceof ApiError) applyFieldErrors(form, e.problem.errors);
      setError(errorMessage(t, e));
    }
  };

  const remove = async (r: PoolRule) => {
    try {
      await api.del(`/pool-rules/${r.id}`, { headers: { 'if-match': `"${r.version}"` } });
      await load();
    } catch (e) {
      setError(errorMessage(t, e));
    }
  };

  const saveLimits = async (values: Limits) => {
    const claim_limits: Limits = {};
    for (const role of ['sales', 'manager', 'admin']) claim_limits[role] = values[role] ?? null;
    try {
      await api.put('/pool-settings', { claim_limits });
      message.success(t('pool.limits.saved'));
    } catch (e) {
      setError(errorMessage(t, e));
    }
  };

  const days = (v: number | null) => (v === null ? t('pool.rule.none') : String(v));
  const kind = Form.useWatch('class_kind', form);
  return (
    <Card style={{ marginTop: 16 }} title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('pool.rules')}</Typography.Title>}>
      <Typography.Paragraph type="secondary">{t('pool.rules.intro')}</Typography.Paragraph>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Table<PoolRule>
        rowKey="id"
        size="small"
        loading={!rules}
        dataSource={rules ?? []}
        pagination={false}
        columns={[
          { title: t('pool.rule.position'), dataIndex: 'position' },
          { title: t('pool.rule.name'), dataIndex: 'name' },
          { title: t('pool.rule.class'), key: 'class', render: (_: unknown, r) =>
            `${t(`pool.class.${r.class_kind}` as 'pool.class.all')}${r.class_value ? `：${r.class_value}` : ''}` },
          { title: t('pool.rule.noFollowUp'), dataIndex: 'no_follow_up_days', render: days },
          { title: t('pool.rule.noDeal'), dataIndex: 'no_deal_days', render: days },
          { title: t('pool.rule.warn'), dataIndex: 'warn_days' },
          { title: t('pool.rule.enabled'), dataIndex: 'enabled', render: (v: boolean) => (v ? '✓' : '—') },
          ...(editable ? [{
            title: t('pool.col.action'),
            key: 'action',
            render: (_: unknown, r: PoolRule) => (
              <Space>
                <Button size="small" onClick={() => { setEditing(r); form.setFieldsValue(r); }}>{t('common.edit')}</Button>
                <Popconfirm title={t('pool.rule.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')}
                  okButtonProps={{ danger: true }} onConfirm={() => void remove(r)}>
                  <Button size="small" danger>{t('pool.rule.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          }] : []),
        ]}
      />
      {editable && (
        <>
          <Form<RuleForm> form={form} layout="inline" initialValues={EMPTY} onFinish={(v) => void save(v)} style={{ marginTop: 16, rowGap: 8 }}>
            <Form.Item name="name" label={t('pool.rule.name')} rules={[{ required: true }]}><Input style={{ width: 140 }} /></Form.Item>
            <Form.Item name="class_kind" label={t('pool.rule.class')}>
              <Select style={{ width: 140 }} options={CLASS_KINDS.map((k) => ({ value: k, label: t(`pool.class.${k}`) }))} />
            </Form.Item>
            {kind && kind !== 'all' && (
              <Form.Item name="class_value" label={t('pool.rule.classValue')}><Input style={{ width: 120 }} /></Form.Item>
            )}
            <Form.Item name="no_follow_up_days" label={t('pool.rule.noFollowUp')}><InputNumber min={1} max={3650} /></Form.Item>
            <Form.Item name="no_deal_days" label={t('pool.rule.noDeal')}><InputNumber min={1} max={3650} /></Form.Item>
            <Form.Item name="warn_days" label={t('pool.rule.warn')}><InputNumber min={0} max={365} /></Form.Item>
            <Form.Item name="position" label={t('pool.rule.position')}><InputNumber min={0} /></Form.Item>
            <Form.Item name="enabled" label={t('pool.rule.enabled')} valuePropName="checked"><Switch /></Form.Item>
            <Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" data-testid="pool-rule-save">{editing ? t('pool.rule.save') : t('pool.rule.add')}</Button>
                {editing && <Button onClick={() => { setEditing(null); form.setFieldsValue(EMPTY); }}>{t('common.cancel')}</Button>}
              </Space>
            </Form.Item>
          </Form>
          <Typography.Title level={3} style={{ fontSize: 14, marginTop: 24 }}>{t('pool.limits')}</Typography.Title>
          <Form<Limits> form={limitsForm} layout="inline" onFinish={(v) => void saveLimits(v)}>
            {(['sales', 'manager', 'admin'] as const).map((role) => (
              <Form.Item key={role} name={role} label={t(`pool.limits.${role}`)} extra={role === 'admin' ? t('pool.limits.hint') : undefined}>
                <InputNumber min={0} />
              </Form.Item>
            ))}
            <Form.Item><Button htmlType="submit">{t('pool.limits.save')}</Button></Form.Item>
          </Form>
        </>
      )}
    </Card>
  );
}
