// New order: customer, day, channel, status, and either product lines (unit price
// defaulted from the product's list price) or a plain total. Amounts in 元.
import { useEffect, useState } from 'react';
import { App, Button, Form, Input, InputNumber, Modal, Radio, Select, Space, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { ApiError, api, getAll } from '../api';
import { FormErrorAlert } from '../components/FormErrors';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { fenToYuanInput, formatFen, parseYuan, yuanValidator } from '../money';
import { todayShanghai } from '../quarter';
import type { Order, Product } from '../salesTypes';
import type { ProblemFieldError } from '../types';
import { CustomerPicker } from './CustomerPicker';

export const ORDER_CHANNELS = ['direct', 'online', 'store', 'phone', 'wechat', 'distributor', 'other'];
export const ORDER_STATUSES = ['placed', 'paid', 'refunded', 'cancelled'];

interface LineValues {
  product_id?: number;
  quantity: number;
  unit_price: string;
  discount: string;
}
interface Values {
  customer_id: number;
  ordered_at: string;
  channel: string;
  status: string;
  mode: 'lines' | 'total';
  lines: LineValues[];
  total: string;
  note: string;
}

function lineTotal(l: LineValues | undefined): number | null {
  if (!l) return null;
  const price = parseYuan(l.unit_price ?? '');
  const discount = l.discount ? parseYuan(l.discount) : 0;
  if (price === null || discount === null || !l.quantity) return null;
  return l.quantity * price - discount;
}

export function CreateOrderModal({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (o: Order) => void }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [products, setProducts] = useState<Product[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const mode = Form.useWatch('mode', form);
  const lines = Form.useWatch('lines', form) as LineValues[] | undefined;

  useEffect(() => {
    if (!open) return;
    getAll<Product>('/products?active=true')
      .then(setProducts)
      .catch(() => undefined);
    setError(null);
    setFieldErrors([]);
    form.resetFields();
  }, [open, form]);

  const byId = new Map(products.map((p) => [p.id, p]));
  const sum = (lines ?? []).reduce<number | null>((acc, l) => {
    const v = lineTotal(l);
    return acc === null || v === null ? null : acc + v;
  }, 0);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    try {
      const body: Record<string, unknown> = { customer_id: v.customer_id, ordered_at: v.ordered_at, channel: v.channel, status: v.status, note: v.note ?? '' };
      if (v.mode === 'total') body.total = parseYuan(v.total) ?? 0;
      else
        body.lines = v.lines.map((l) => ({
          product_id: l.product_id ?? null,
          description: l.product_id ? byId.get(l.product_id)?.name ?? '' : '',
          quantity: l.quantity,
          unit_price: parseYuan(l.unit_price) ?? 0,
          discount: l.discount ? parseYuan(l.discount) ?? 0 : 0,
        }));
      const created = await api.post<Order>('/orders', body);
      message.success(t('orders.created', { total: formatFen(created.total) }));
      onCreated(created);
    } catch (e) {
      setError(errorMessage(t, e));
      if (e instanceof ApiError) setFieldErrors(applyFieldErrors(form, e.problem.errors));
    } finally {
      setBusy(false);
    }
  };

  const yuanRule = { validator: yuanValidator(t('money.invalid')) };
  return (
    <Modal open={open} title={t('orders.create')} onCancel={onClose} onOk={() => form.submit()} okText={t('common.create')} cancelText={t('common.cancel')} confirmLoading={busy} width={760} forceRender okButtonProps={{ id: 'order-submit' }}>
      <FormErrorAlert message={error} fieldErrors={fieldErrors} />
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        initialValues={{ ordered_at: todayShanghai(), channel: 'direct', status: 'placed', mode: 'lines', lines: [{ quantity: 1, unit_price: '', discount: '' }], total: '', note: '' }}
      >
        <Form.Item name="customer_id" label={t('opp.customer')} rules={[{ required: true, message: t('common.required', { field: t('opp.customer') }) }]}>
          <CustomerPicker ariaLabel={t('opp.customer')} />
        </Form.Item>
        <Space wrap size={16}>
          <Form.Item name="ordered_at" label={t('orders.orderedAt')} rules={[{ required: true }]}>
            <Input type="date" />
          </Form.Item>
          <Form.Item name="channel" label={t('orders.channel')}>
            <Select style={{ minWidth: 140 }} options={ORDER_CHANNELS.map((c) => ({ value: c, label: label('channel', c) }))} />
          </Form.Item>
          <Form.Item name="status" label={t('orders.status')}>
            <Select style={{ minWidth: 120 }} options={['placed', 'paid'].map((s) => ({ value: s, label: label('order_status', s) }))} />
          </Form.Item>
        </Space>
        <Form.Item name="mode">
          <Radio.Group
            options={[
              { value: 'lines', label: t('orders.modeLines') },
              { value: 'total', label: t('orders.modeTotal') },
            ]}
          />
        </Form.Item>
        {mode === 'total' ? (
          <Form.Item name="total" label={t('orders.totalYuan')} rules={[{ required: true, message: t('common.required', { field: t('orders.total') }) }, yuanRule]}>
            <Input inputMode="decimal" prefix="¥" />
          </Form.Item>
        ) : (
          <Form.List name="lines">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" wrap>
                    <Form.Item name={[f.name, 'product_id']} label={t('orders.product')} rules={[{ required: true, message: t('common.required', { field: t('orders.product') }) }]}>
                      <Select
                        aria-label={`${t('orders.product')} ${i + 1}`}
                        style={{ width: 220 }}
                        showSearch
                        optionFilterProp="label"
                        options={products.map((p) => ({ value: p.id, label: `${p.code} ${p.name}` }))}
                        onChange={(pid: number) => {
                          const p = byId.get(pid);
                          if (p) form.setFieldValue(['lines', f.name, 'unit_price'], fenToYuanInput(p.list_price));
                        }}
                      />
                    </Form.Item>
                    <Form.Item name={[f.name, 'quantity']} label={t('orders.quantity')} rules={[{ required: true }]}>
                      <InputNumber min={1} precision={0} style={{ width: 90 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'unit_price']} label={t('orders.unitPrice')} rules={[{ required: true, message: t('common.required', { field: t('orders.unitPrice') }) }, yuanRule]}>
                      <Input inputMode="decimal" prefix="¥" style={{ width: 130 }} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'discount']} label={t('orders.discount')} rules={[yuanRule]}>
                      <Input inputMode="decimal" prefix="¥" style={{ width: 110 }} />
                    </Form.Item>
                    <div style={{ marginTop: 34, minWidth: 100 }}>{formatFen(lineTotal(lines?.[f.name]))}</div>
                    {fields.length > 1 && (
                      <Button type="text" icon={<MinusCircleOutlined aria-hidden />} aria-label={t('common.remove')} onClick={() => remove(f.name)} style={{ marginTop: 30 }} />
                    )}
                  </Space>
                ))}
                <Space style={{ width: '100%', justifyContent: 'space-between' }}>
                  <Button icon={<PlusOutlined aria-hidden />} onClick={() => add({ quantity: 1, unit_price: '', discount: '' })}>
                    {t('orders.addLine')}
                  </Button>
                  <Typography.Text strong data-testid="order-sum">
                    {t('orders.total')}: {formatFen(sum)}
                  </Typography.Text>
                </Space>
              </>
            )}
          </Form.List>
        )}
        <Form.Item name="note" label={t('pay.note')} style={{ marginTop: 16 }}>
          <Input maxLength={500} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
