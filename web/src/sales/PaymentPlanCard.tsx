// Payment plan (instalments with status) and receipts of a won opportunity or an
// order: edit the plan (PUT), record a receipt (POST), delete a receipt.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Descriptions, Empty, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { ApiError, api } from '../api';
import { FormErrorAlert } from '../components/FormErrors';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { fenToYuanInput, formatFen, parseYuan, yuanValidator } from '../money';
import { todayShanghai } from '../quarter';
import type { Instalment, PaymentPlan, Receipt } from '../salesTypes';
import type { ProblemFieldError } from '../types';
import { INSTALMENT_STATUS_COLOURS } from './colours';

export const PAYMENT_METHODS = ['bank_transfer', 'cash', 'cheque', 'alipay', 'wechat_pay', 'other'];

interface PlanValues {
  instalments: { due_on: string; amount: string; note?: string }[];
}
interface ReceiptValues {
  received_on: string;
  amount: string;
  method: string;
  note?: string;
}

/** `owner` is "/opportunities/ID" or "/orders/ID". */
export function PaymentPlanCard({ owner, writable }: { owner: string; writable: boolean }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [plan, setPlan] = useState<PaymentPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'plan' | 'receipt' | null>(null);
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const [planForm] = Form.useForm<PlanValues>();
  const [receiptForm] = Form.useForm<ReceiptValues>();

  const load = useCallback(async () => {
    try {
      setPlan(await api.get<PaymentPlan>(`${owner}/payment-plan`));
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [owner, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const open = (which: 'plan' | 'receipt') => {
    setFormError(null);
    setFieldErrors([]);
    if (which === 'plan') {
      planForm.setFieldsValue({
        instalments: (plan?.instalments ?? []).map((i) => ({ due_on: i.due_on, amount: fenToYuanInput(i.amount), note: i.note })),
      });
    } else {
      receiptForm.setFieldsValue({ received_on: todayShanghai(), amount: '', method: 'bank_transfer', note: '' });
    }
    setDialog(which);
  };

  const submit = async (fn: () => Promise<unknown>, form: typeof planForm | typeof receiptForm) => {
    setBusy(true);
    setFormError(null);
    try {
      await fn();
      message.success(t('common.saved'));
      setDialog(null);
      await load();
    } catch (e) {
      setFormError(errorMessage(t, e));
      if (e instanceof ApiError) setFieldErrors(applyFieldErrors(form as never, e.problem.errors));
    } finally {
      setBusy(false);
    }
  };

  const savePlan = (v: PlanValues) =>
    submit(
      () =>
        api.put(`${owner}/payment-plan`, {
          instalments: (v.instalments ?? []).map((i) => ({ due_on: i.due_on, amount: parseYuan(i.amount) ?? 0, note: i.note ?? '' })),
        }),
      planForm,
    );
  const saveReceipt = (v: ReceiptValues) =>
    submit(() => api.post(`${owner}/receipts`, { received_on: v.received_on, amount: parseYuan(v.amount) ?? 0, method: v.method, note: v.note ?? '' }), receiptForm);

  const removeReceipt = async (r: Receipt) => {
    try {
      await api.del(`/receipts/${r.id}`);
      await load();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  const amountRule = { validator: yuanValidator(t('money.invalid'), { positive: true }) };
  return (
    <Card
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('pay.title')}</Typography.Title>}
      extra={
        writable && (
          <Space>
            <Button onClick={() => open('plan')}>{t('pay.editPlan')}</Button>
            <Button type="primary" onClick={() => open('receipt')} data-testid="add-receipt">
              {t('pay.addReceipt')}
            </Button>
          </Space>
        )
      }
      style={{ marginBottom: 16 }}
      data-testid="payment-plan"
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      {plan && (
        <>
          <Descriptions size="small" column={{ xs: 1, sm: 2, md: 4 }} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={t('pay.planned')}>{formatFen(plan.total_planned)}</Descriptions.Item>
            <Descriptions.Item label={t('pay.received')}>{formatFen(plan.received)}</Descriptions.Item>
            <Descriptions.Item label={t('pay.outstanding')}>{formatFen(plan.outstanding)}</Descriptions.Item>
            <Descriptions.Item label={t('pay.overdue')}>
              <Typography.Text type={plan.overdue > 0 ? 'danger' : undefined}>{formatFen(plan.overdue)}</Typography.Text>
            </Descriptions.Item>
          </Descriptions>
          <Table<Instalment>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={plan.instalments}
            locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('pay.noPlan')} /> }}
            columns={[
              { title: t('pay.dueOn'), dataIndex: 'due_on' },
              { title: t('pay.amount'), key: 'amount', align: 'right', render: (_, i) => formatFen(i.amount) },
              { title: t('pay.paid'), key: 'paid', align: 'right', render: (_, i) => formatFen(i.paid) },
              {
                title: t('pay.status'),
                key: 'status',
                render: (_, i) => (
                  <Tag color={INSTALMENT_STATUS_COLOURS[i.status]}>
                    {label('instalment_status', i.status)}
                    {i.status === 'overdue' ? ` ${t('pay.daysOverdue', { n: i.days_overdue })}` : ''}
                  </Tag>
                ),
              },
              { title: t('pay.note'), dataIndex: 'note' },
            ]}
          />
          <Typography.Title level={3} style={{ fontSize: 14, marginTop: 16 }}>
            {t('pay.receipts')}
          </Typography.Title>
          <Table<Receipt>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={plan.receipts}
            columns={[
              { title: t('pay.receivedOn'), dataIndex: 'received_on' },
              { title: t('pay.amount'), key: 'amount', align: 'right', render: (_, r) => formatFen(r.amount) },
              { title: t('pay.method'), key: 'method', render: (_, r) => label('payment_method', r.method) },
              { title: t('pay.note'), dataIndex: 'note' },
              ...(writable
                ? [
                    {
                      title: t('common.actions'),
                      key: 'a',
                      render: (_: unknown, r: Receipt) => (
                        <Popconfirm title={t('pay.deleteReceipt')} onConfirm={() => removeReceipt(r)} okText={t('common.delete')} cancelText={t('common.cancel')}>
                          <Button size="small" danger>
                            {t('common.delete')}
                          </Button>
                        </Popconfirm>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </>
      )}
      <Modal open={dialog === 'plan'} title={t('pay.editPlan')} onCancel={() => setDialog(null)} onOk={() => planForm.submit()} confirmLoading={busy} okText={t('common.save')} cancelText={t('common.cancel')} forceRender width={640}>
        <FormErrorAlert message={dialog === 'plan' ? formError : null} fieldErrors={dialog === 'plan' ? fieldErrors : []} />
        <Form form={planForm} onFinish={savePlan} layout="vertical">
          <Form.List name="instalments">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="start" wrap>
                    <Form.Item name={[f.name, 'due_on']} label={t('pay.dueOn')} rules={[{ required: true, message: t('common.required', { field: t('pay.dueOn') }) }]}>
                      <Input type="date" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'amount']} label={t('pay.amountYuan')} rules={[{ required: true, message: t('common.required', { field: t('pay.amount') }) }, amountRule]}>
                      <Input inputMode="decimal" prefix="¥" style={{ width: 160 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'note']} label={t('pay.note')}>
                      <Input style={{ width: 160 }} />
                    </Form.Item>
                    <Button type="text" icon={<MinusCircleOutlined aria-hidden />} aria-label={t('common.remove')} onClick={() => remove(f.name)} style={{ marginTop: 30 }} />
                  </Space>
                ))}
                <Button icon={<PlusOutlined aria-hidden />} onClick={() => add({ due_on: todayShanghai(), amount: '', note: '' })}>
                  {t('pay.addInstalment')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
      <Modal open={dialog === 'receipt'} title={t('pay.addReceipt')} onCancel={() => setDialog(null)} onOk={() => receiptForm.submit()} confirmLoading={busy} okText={t('common.save')} cancelText={t('common.cancel')} forceRender>
        <FormErrorAlert message={dialog === 'receipt' ? formError : null} fieldErrors={dialog === 'receipt' ? fieldErrors : []} />
        <Form form={receiptForm} onFinish={saveReceipt} layout="vertical">
          <Form.Item name="received_on" label={t('pay.receivedOn')} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="amount" label={t('pay.amountYuan')} rules={[{ required: true, message: t('common.required', { field: t('pay.amount') }) }, amountRule]}>
            <Input inputMode="decimal" prefix="¥" />
          </Form.Item>
          <Form.Item name="method" label={t('pay.method')} rules={[{ required: true }]}>
            <Select options={PAYMENT_METHODS.map((m) => ({ value: m, label: label('payment_method', m) }))} />
          </Form.Item>
          <Form.Item name="note" label={t('pay.note')}>
            <Input />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
