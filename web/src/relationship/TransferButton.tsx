// 「转移客户」 on the customer page: managers and admins give the customer (with
// its owner's open tasks and opportunities) to another user; the owner or a
// manager may also release it into the public pool. Calls onDone to reload.
import { useState } from 'react';
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space } from 'antd';
import { api, ApiError } from '../api';
import { useUser } from '../auth';
import { useRefData } from '../data';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { Customer } from '../types';

interface Outcome {
  transferred: number;
  tasks_moved: number;
  opportunities_moved: number;
}

export function TransferButton({ customer, onDone }: { customer: Customer; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const { users } = useRefData();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ to_user_id: number; note: string }>();
  const canTransfer = user.role === 'admin' || user.role === 'manager';
  const canRelease = customer.owner_user_id !== null && (canTransfer || user.role === 'sales');
  if (!canTransfer && !canRelease) return null;

  const targets = users.filter((u) => !u.disabled && u.id !== customer.owner_user_id &&
    (u.role === 'sales' || u.role === 'manager' || u.role === 'admin') &&
    (user.role === 'admin' || u.id === user.id || (user.team_id !== null && u.team_id === user.team_id)));

  const transfer = async (values: { to_user_id: number; note?: string }) => {
    setBusy(true);
    try {
      const o = await api.post<Outcome>('/customers/transfer', { customer_ids: [customer.id], to_user_id: values.to_user_id, note: values.note ?? '' });
      message.success(t('transfer.done', { tasks: o.tasks_moved, opps: o.opportunities_moved }));
      setOpen(false);
      form.resetFields();
      onDone();
    } catch (e) {
      if (e instanceof ApiError) applyFieldErrors(form, e.problem.errors);
      message.error(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };
  const release = async () => {
    try {
      await api.post<Outcome>('/pool/release', { customer_ids: [customer.id] });
      message.success(t('transfer.released'));
      onDone();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  return (
    <Space wrap>
      {canTransfer && (
        <Button onClick={() => setOpen(true)} data-testid="transfer-customer">{t('transfer.button')}</Button>
      )}
      {canRelease && (
        <Popconfirm title={t('transfer.release')} okText={t('transfer.release')} cancelText={t('common.cancel')} onConfirm={() => void release()}>
          <Button data-testid="release-customer">{t('transfer.release')}</Button>
        </Popconfirm>
      )}
      <Modal
        open={open}
        title={t('transfer.title')}
        okText={t('transfer.ok')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onCancel={() => setOpen(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => void transfer(v)}>
          <Form.Item name="to_user_id" label={t('transfer.to')} rules={[{ required: true }]}>
            <Select aria-label={t('transfer.to')} options={targets.map((u) => ({ value: u.id, label: u.display_name || u.login }))} showSearch optionFilterProp="label" />
          </Form.Item>
          <Form.Item name="note" label={t('transfer.note')}>
            <Input.TextArea rows={2} maxLength={1000} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
