// Sales targets (admin; managers for their team's members): a quarter's user, team
// and company targets; set (PUT /targets), edit, delete. Amounts entered in 元.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, Popconfirm, Result, Select, Space, Table, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { ApiError, api, qs } from '../api';
import { useUser } from '../auth';
import { FormErrorAlert } from '../components/FormErrors';
import { useRefData } from '../data';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { fenToYuanInput, formatFen, parseYuan, yuanValidator } from '../money';
import { currentQuarter, quarterChoices } from '../quarter';
import type { Target, TargetScope } from '../salesTypes';
import type { ProblemFieldError } from '../types';
import { useTeams } from '../sales/useSalesFilters';

interface Values {
  scope: TargetScope;
  subject_id?: number;
  amount: string;
}

export default function TargetsPage() {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const { users } = useRefData();
  const teams = useTeams();
  const [quarter, setQuarter] = useState(currentQuarter());
  const [targets, setTargets] = useState<Target[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const [form] = Form.useForm<Values>();
  const scope = Form.useWatch('scope', form);
  const allowed = user.role === 'admin' || user.role === 'manager';

  const load = useCallback(async () => {
    try {
      setTargets(await api.get<Target[]>(`/targets${qs({ quarter })}`));
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [quarter, t]);

  useEffect(() => {
    if (allowed) void load();
  }, [load, allowed]);

  if (!allowed) return <Result status="403" title={t('error.forbidden')} />;

  const edit = (tg: Target | null) => {
    setFormError(null);
    setFieldErrors([]);
    form.setFieldsValue(
      tg
        ? { scope: tg.scope, subject_id: tg.subject_id ?? undefined, amount: fenToYuanInput(tg.amount) }
        : { scope: 'user', subject_id: undefined, amount: '' },
    );
    setOpen(true);
  };

  const save = async (v: Values) => {
    setBusy(true);
    setFormError(null);
    try {
      await api.put<Target>('/targets', { quarter, scope: v.scope, subject_id: v.scope === 'company' ? null : v.subject_id, amount: parseYuan(v.amount) ?? 0 });
      message.success(t('common.saved'));
      setOpen(false);
      await load();
    } catch (e) {
      setFormError(errorMessage(t, e));
      if (e instanceof ApiError) setFieldErrors(applyFieldErrors(form, e.problem.errors));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (tg: Target) => {
    try {
      await api.del(`/targets/${tg.id}`);
      message.success(t('common.deleted'));
      await load();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  const subjectOptions =
    scope === 'team'
      ? teams.map((tm) => ({ value: tm.id, label: tm.name }))
      : users.filter((u) => !u.disabled).map((u) => ({ value: u.id, label: u.display_name || u.login }));

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }}>
          {t('targets.title')}
        </Typography.Title>
        <Space>
          <Select aria-label={t('sales.quarter')} value={quarter} onChange={setQuarter} options={quarterChoices().map((q) => ({ value: q, label: q }))} style={{ minWidth: 110 }} />
          <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => edit(null)} data-testid="set-target">
            {t('targets.set')}
          </Button>
        </Space>
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Table<Target>
        rowKey="id"
        dataSource={targets ?? []}
        loading={targets === null && !error}
        pagination={false}
        data-testid="targets-table"
        columns={[
          { title: t('targets.scope'), key: 'scope', render: (_, r) => label('scope', r.scope) },
          { title: t('targets.subject'), key: 'subject', render: (_, r) => (r.scope === 'company' ? t('targets.company') : r.subject_name) },
          { title: t('targets.amount'), key: 'amount', align: 'right', render: (_, r) => <span data-testid="target-amount">{formatFen(r.amount)}</span> },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, r) => (
              <Space>
                <Button size="small" onClick={() => edit(r)}>
                  {t('common.edit')}
                </Button>
                {user.role === 'admin' && (
                  <Popconfirm title={t('targets.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => remove(r)}>
                    <Button size="small" danger>
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal open={open} title={t('targets.setFor', { quarter })} onCancel={() => setOpen(false)} onOk={() => form.submit()} okText={t('common.save')} cancelText={t('common.cancel')} confirmLoading={busy} forceRender okButtonProps={{ id: 'target-submit' }}>
        <FormErrorAlert message={formError} fieldErrors={fieldErrors} />
        <Form form={form} layout="vertical" onFinish={save}>
          <Form.Item name="scope" label={t('targets.scope')} rules={[{ required: true }]}>
            <Select
              options={(['user', 'team', 'company'] as const).filter((s) => user.role === 'admin' || s === 'user').map((s) => ({ value: s, label: label('scope', s) }))}
              onChange={() => form.setFieldValue('subject_id', undefined)}
            />
          </Form.Item>
          {scope !== 'company' && (
            <Form.Item name="subject_id" label={t('targets.subject')} rules={[{ required: true, message: t('common.required', { field: t('targets.subject') }) }]}>
              <Select showSearch optionFilterProp="label" options={subjectOptions} />
            </Form.Item>
          )}
          <Form.Item name="amount" label={t('targets.amountYuan')} rules={[{ required: true, message: t('common.required', { field: t('targets.amount') }) }, { validator: yuanValidator(t('money.invalid'), { positive: true }) }]}>
            <Input inputMode="decimal" prefix="¥" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
