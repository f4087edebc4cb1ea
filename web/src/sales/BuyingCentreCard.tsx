// The buying centre (采购气氛) of an opportunity: members from the customer's
// contacts with role, attitude, influence and who they report to; the table
// and the decision-chain diagram.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { ApiError, api, getAll } from '../api';
import { FormErrorAlert } from '../components/FormErrors';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n } from '../i18n';
import type { BuyingCentreMember } from '../salesTypes';
import type { Contact, ProblemFieldError } from '../types';
import { ATTITUDE_COLOURS } from './colours';
import { DecisionChainChart } from './DecisionChainChart';

export const BUYING_ROLES = ['decision_maker', 'approver', 'user', 'technical_gatekeeper', 'financial_gatekeeper', 'purchaser', 'influencer'];
export const ATTITUDES = ['champion', 'supporter', 'neutral', 'skeptic', 'opponent'];

interface Values {
  contact_id: number;
  role: string;
  attitude: string;
  influence: number;
  reports_to: number | null;
  note: string;
}

export function BuyingCentreCard({ opportunityId, customerId, writable }: { opportunityId: number; customerId: number; writable: boolean }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [members, setMembers] = useState<BuyingCentreMember[]>([]);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<BuyingCentreMember | 'new' | null>(null);
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);

  const base = `/opportunities/${opportunityId}/buying-centre`;
  const load = useCallback(async () => {
    try {
      setMembers(await api.get<BuyingCentreMember[]>(base));
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [base, t]);

  useEffect(() => {
    void load();
    getAll<Contact>(`/customers/${customerId}/contacts`)
      .then(setContacts)
      .catch(() => undefined);
  }, [load, customerId]);

  const openForm = (m: BuyingCentreMember | 'new') => {
    setFormError(null);
    setFieldErrors([]);
    setEditing(m);
    form.setFieldsValue(
      m === 'new'
        ? { role: 'influencer', attitude: 'neutral', influence: 3, reports_to: null, note: '' }
        : { contact_id: m.contact_id, role: m.role, attitude: m.attitude, influence: m.influence, reports_to: m.reports_to, note: m.note },
    );
  };

  const save = async (v: Values) => {
    setBusy(true);
    setFormError(null);
    try {
      const body = { ...v, reports_to: v.reports_to ?? null, note: v.note ?? '' };
      if (editing === 'new') await api.post(base, body);
      else if (editing) await api.put(`${base}/${editing.id}`, body);
      message.success(t('common.saved'));
      setEditing(null);
      await load();
    } catch (e) {
      setFormError(errorMessage(t, e));
      if (e instanceof ApiError) setFieldErrors(applyFieldErrors(form, e.problem.errors));
    } finally {
      setBusy(false);
    }
  };

  const remove = async (m: BuyingCentreMember) => {
    try {
      await api.del(`${base}/${m.id}`);
      message.success(t('common.deleted'));
      await load();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  const nameOf = (id: number | null) => members.find((m) => m.id === id)?.contact_name ?? t('common.none');
  const columns: ColumnsType<BuyingCentreMember> = [
    { title: t('bc.contact'), key: 'contact', render: (_, m) => `${m.contact_name}${m.contact_title ? ` (${m.contact_title})` : ''}` },
    { title: t('bc.role'), key: 'role', render: (_, m) => label('buying_role', m.role) },
    { title: t('bc.attitude'), key: 'attitude', render: (_, m) => <Tag color={ATTITUDE_COLOURS[m.attitude]}>{label('attitude', m.attitude)}</Tag> },
    { title: t('bc.influence'), dataIndex: 'influence' },
    { title: t('bc.reportsTo'), key: 'reports_to', render: (_, m) => nameOf(m.reports_to) },
    { title: t('bc.note'), dataIndex: 'note' },
    ...(writable
      ? [
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, m: BuyingCentreMember) => (
              <Space>
                <Button size="small" onClick={() => openForm(m)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('bc.deleteConfirm')} okText={t('common.delete')} cancelText={t('common.cancel')} onConfirm={() => remove(m)}>
                  <Button size="small" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]
      : []),
  ];

  const inChain = new Set(members.map((m) => m.contact_id));
  const contactOptions = contacts
    .filter((c) => !inChain.has(c.id) || (editing !== 'new' && editing?.contact_id === c.id))
    .map((c) => ({ value: c.id, label: c.title ? `${c.name} (${c.title})` : c.name }));

  return (
    <Card
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('bc.title')}</Typography.Title>}
      extra={
        writable && (
          <Button onClick={() => openForm('new')} data-testid="add-member">
            {t('bc.add')}
          </Button>
        )
      }
      style={{ marginBottom: 16 }}
    >
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph data-testid="buying-centre-count">{t('bc.count', { n: members.length })}</Typography.Paragraph>
      <Table rowKey="id" size="small" columns={columns} dataSource={members} pagination={false} data-testid="buying-centre" />
      {members.length > 0 && (
        <div style={{ marginTop: 16 }}>
          <Typography.Title level={3} style={{ fontSize: 14 }}>
            {t('bc.chart')}
          </Typography.Title>
          <DecisionChainChart members={members} />
        </div>
      )}
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('bc.add') : t('bc.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        forceRender
      >
        <FormErrorAlert message={formError} fieldErrors={fieldErrors} />
        <Form form={form} layout="vertical" onFinish={save}>
          <Form.Item name="contact_id" label={t('bc.contact')} rules={[{ required: true, message: t('common.required', { field: t('bc.contact') }) }]} extra={contacts.length === 0 ? t('bc.noContacts') : undefined}>
            <Select options={contactOptions} showSearch optionFilterProp="label" />
          </Form.Item>
          <Form.Item name="role" label={t('bc.role')} rules={[{ required: true }]}>
            <Select options={BUYING_ROLES.map((r) => ({ value: r, label: label('buying_role', r) }))} />
          </Form.Item>
          <Form.Item name="attitude" label={t('bc.attitude')} rules={[{ required: true }]}>
            <Select options={ATTITUDES.map((a) => ({ value: a, label: label('attitude', a) }))} />
          </Form.Item>
          <Form.Item name="influence" label={t('bc.influence')} rules={[{ required: true }]}>
            <Select options={[1, 2, 3, 4, 5].map((n) => ({ value: n, label: t(`bc.influence${n}` as 'bc.influence1') }))} />
          </Form.Item>
          <Form.Item name="reports_to" label={t('bc.reportsTo')}>
            <Select
              allowClear
              options={members.filter((m) => editing === 'new' || m.id !== editing?.id).map((m) => ({ value: m.id, label: m.contact_name }))}
            />
          </Form.Item>
          <Form.Item name="note" label={t('bc.note')}>
            <Input maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </Card>
  );
}
