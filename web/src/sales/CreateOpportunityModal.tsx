// New opportunity: customer (searched), title, amount in 元 (sent as fen), stage,
// expected close, owner (admin/manager) and the MAN flags.
import { useState } from 'react';
import { App, Checkbox, Form, Input, Modal, Select, Space } from 'antd';
import { api } from '../api';
import { canChooseOwner, useUser } from '../auth';
import { FormErrorAlert } from '../components/FormErrors';
import { useRefData } from '../data';
import { applyFieldErrors, errorMessage } from '../errors';
import { ApiError } from '../api';
import type { ButtonProps } from 'antd';
import { useI18n } from '../i18n';
import { parseYuan, yuanValidator } from '../money';
import { todayShanghai } from '../quarter';
import type { Opportunity } from '../salesTypes';
import type { ProblemFieldError } from '../types';
import type { Stages } from './useStages';
import { CustomerPicker } from './CustomerPicker';

interface Values {
  customer_id: number;
  title: string;
  amount: string;
  stage: string;
  expected_close: string;
  owner_user_id?: number;
  man: string[];
}

export function CreateOpportunityModal({
  open,
  stages,
  customer,
  onClose,
  onCreated,
}: {
  open: boolean;
  stages: Stages;
  customer?: { id: number; name: string };
  onClose: () => void;
  onCreated: (o: Opportunity) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const { users } = useRefData();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    try {
      const created = await api.post<Opportunity>('/opportunities', {
        customer_id: v.customer_id,
        title: v.title.trim(),
        amount: parseYuan(v.amount) ?? 0,
        stage: v.stage,
        expected_close: v.expected_close,
        ...(v.owner_user_id ? { owner_user_id: v.owner_user_id } : {}),
        money: v.man.includes('money'),
        authority: v.man.includes('authority'),
        need: v.man.includes('need'),
      });
      message.success(t('opp.createdMessage', { title: created.title }));
      form.resetFields();
      onCreated(created);
    } catch (e) {
      setError(errorMessage(t, e));
      if (e instanceof ApiError) setFieldErrors(applyFieldErrors(form, e.problem.errors));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={t('opp.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.create')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      okButtonProps={{ 'data-testid': 'opp-form-submit' } as ButtonProps}
      destroyOnClose
    >
      <FormErrorAlert message={error} fieldErrors={fieldErrors} />
      <Form
        form={form}
        layout="vertical"
        onFinish={submit}
        preserve={false}
        initialValues={{
          customer_id: customer?.id,
          stage: stages.open[0]?.key,
          expected_close: todayShanghai(Date.now() + 30 * 86400_000),
          man: [],
          amount: '',
        }}
      >
        <Form.Item name="customer_id" label={t('opp.customer')} rules={[{ required: true, message: t('common.required', { field: t('opp.customer') }) }]}>
          <CustomerPicker initialLabel={customer?.name} ariaLabel={t('opp.customer')} />
        </Form.Item>
        <Form.Item name="title" label={t('opp.title')} rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('opp.title') }) }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="amount"
          label={t('opp.amountYuan')}
          rules={[{ required: true, message: t('common.required', { field: t('opp.amount') }) }, { validator: yuanValidator(t('money.invalid')) }]}
        >
          <Input inputMode="decimal" prefix="¥" />
        </Form.Item>
        <Space wrap style={{ width: '100%' }} size={16}>
          <Form.Item name="stage" label={t('opp.stage')} rules={[{ required: true }]}>
            <Select style={{ minWidth: 180 }} options={stages.open.map((s) => ({ value: s.key, label: stages.name(s.key) }))} />
          </Form.Item>
          <Form.Item name="expected_close" label={t('opp.expectedClose')} rules={[{ required: true, message: t('common.required', { field: t('opp.expectedClose') }) }]}>
            <Input type="date" />
          </Form.Item>
        </Space>
        {canChooseOwner(user.role) && (
          <Form.Item name="owner_user_id" label={t('opp.owner')}>
            <Select
              allowClear
              showSearch
              optionFilterProp="label"
              options={users.filter((u) => !u.disabled).map((u) => ({ value: u.id, label: u.display_name || u.login }))}
            />
          </Form.Item>
        )}
        <Form.Item name="man" label={t('opp.man')}>
          <Checkbox.Group
            options={[
              { value: 'money', label: t('opp.money') },
              { value: 'authority', label: t('opp.authority') },
              { value: 'need', label: t('opp.need') },
            ]}
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
