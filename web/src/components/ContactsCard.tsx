// The contacts (联系人) of a customer: list, add, edit (If-Match), delete.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Select, Space, Table, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { PlusOutlined } from '@ant-design/icons';
import { ApiError, api, getAll, isVersionConflict } from '../api';
import { useRefData } from '../data';
import { applyFieldErrors, charCount, errorMessage, isValidCareDate, looksLikeEmail, looksLikePhone } from '../errors';
import { useI18n, type MessageKey } from '../i18n';
import type { Contact, ContactWritable, ProblemFieldError } from '../types';
import { FormErrorAlert } from './FormErrors';
import { useOptions } from './CustomerFields';

interface ContactFormValues {
  name: string;
  title?: string;
  phone?: string;
  email?: string;
  wechat?: string;
  personality?: string;
  birthday?: string;
  notes?: string;
}

const CONTACT_FIELDS: (keyof ContactWritable)[] = ['name', 'title', 'phone', 'email', 'wechat', 'personality', 'birthday', 'notes'];

function toValues(c: Contact): ContactFormValues {
  return {
    name: c.name,
    title: c.title,
    phone: c.phone,
    email: c.email,
    wechat: c.wechat,
    personality: c.personality ?? undefined,
    birthday: c.birthday,
    notes: c.notes,
  };
}

function fromValues(v: ContactFormValues): ContactWritable {
  const s = (x?: string) => (x ?? '').trim();
  return {
    name: s(v.name),
    title: s(v.title),
    phone: s(v.phone),
    email: s(v.email),
    wechat: s(v.wechat),
    personality: v.personality ?? null,
    birthday: s(v.birthday),
    notes: v.notes ?? '',
  };
}

export function ContactsCard({ customerId, writable }: { customerId: number; writable: boolean }) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setContacts(await getAll<Contact>(`/customers/${customerId}/contacts`));
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setLoading(false);
    }
  }, [customerId, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const remove = async (c: Contact) => {
    try {
      await api.del(`/contacts/${c.id}`);
      message.success(t('common.deleted'));
      await load();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  const none = t('common.none');
  const columns: ColumnsType<Contact> = [
    { title: t('contacts.name'), dataIndex: 'name', key: 'name' },
    { title: t('contacts.titleField'), dataIndex: 'title', key: 'title', render: (v: string) => v || none },
    { title: t('contacts.phone'), dataIndex: 'phone', key: 'phone', render: (v: string) => v || none },
    { title: t('contacts.email'), dataIndex: 'email', key: 'email', render: (v: string) => v || none },
    { title: t('contacts.wechat'), dataIndex: 'wechat', key: 'wechat', render: (v: string) => v || none },
    { title: t('contacts.personality'), dataIndex: 'personality', key: 'personality', render: (v: string | null) => label('personality', v) },
    { title: t('contacts.birthday'), dataIndex: 'birthday', key: 'birthday', render: (v: string) => v || none },
  ];
  if (writable) {
    columns.push({
      title: t('common.actions'),
      key: 'actions',
      render: (_: unknown, c) => (
        <Space size={0}>
          <Button type="link" onClick={() => setEditing(c)} aria-label={`${t('common.edit')} ${c.name}`}>
            {t('common.edit')}
          </Button>
          <Popconfirm
            title={t('contacts.deleteConfirm', { name: c.name })}
            okText={t('common.delete')}
            cancelText={t('common.cancel')}
            okButtonProps={{ danger: true }}
            onConfirm={() => remove(c)}
          >
            <Button type="link" danger aria-label={`${t('common.delete')} ${c.name}`}>
              {t('common.delete')}
            </Button>
          </Popconfirm>
        </Space>
      ),
    });
  }

  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
          {t('contacts.title')}
        </Typography.Title>
      }
      extra={
        writable && (
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="add-contact">
            {t('contacts.add')}
          </Button>
        )
      }
    >
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <div data-testid="contacts-table">
        <Table<Contact>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={contacts}
          loading={loading}
          pagination={false}
          scroll={{ x: 800 }}
          locale={{ emptyText: t('contacts.empty') }}
        />
      </div>
      <ContactModal
        customerId={customerId}
        contact={editing}
        onClose={() => setEditing(null)}
        onSaved={() => {
          setEditing(null);
          message.success(t('common.saved'));
          void load();
        }}
      />
    </Card>
  );
}

function ContactModal({
  customerId,
  contact,
  onClose,
  onSaved,
}: {
  customerId: number;
  contact: Contact | 'new' | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useI18n();
  const { meta } = useRefData();
  const options = useOptions();
  const [form] = Form.useForm<ContactFormValues>();
  const [base, setBase] = useState<Contact | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const [conflict, setConflict] = useState(false);
  const open = contact !== null;

  useEffect(() => {
    if (!open) return;
    form.resetFields();
    setError(null);
    setFieldErrors([]);
    setConflict(false);
    if (contact === 'new') {
      setBase(null);
    } else {
      setBase(contact);
      form.setFieldsValue(toValues(contact));
    }
  }, [open, contact, form]);

  const maxLen = (key: MessageKey, max: number) => ({
    validator: (_r: unknown, v: string | undefined) =>
      v && charCount(v) > max ? Promise.reject(new Error(t('common.tooLong', { field: t(key), max }))) : Promise.resolve(),
  });

  const submit = async (v: ContactFormValues) => {
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    const full = fromValues(v);
    try {
      if (!base) {
        const body: Record<string, unknown> = { customer_id: customerId };
        for (const f of CONTACT_FIELDS) if (full[f] !== '' && full[f] !== null) body[f] = full[f];
        await api.post<Contact>('/contacts', body);
      } else {
        const body: Partial<ContactWritable> = {};
        for (const f of CONTACT_FIELDS) if ((base[f] ?? null) !== (full[f] ?? null)) (body as Record<string, unknown>)[f] = full[f];
        if (Object.keys(body).length > 0) await api.patch<Contact>(`/contacts/${base.id}`, body, base.version);
      }
      onSaved();
    } catch (e) {
      if (isVersionConflict(e) && base) {
        setConflict(true);
      } else {
        if (e instanceof ApiError && e.problem.errors?.length) setFieldErrors(applyFieldErrors(form, e.problem.errors));
        setError(errorMessage(t, e));
      }
    } finally {
      setBusy(false);
    }
  };

  const reloadLatest = async () => {
    if (!base) return;
    try {
      const latest = await api.get<Contact>(`/contacts/${base.id}`);
      setBase(latest);
      form.setFieldsValue(toValues(latest));
      setConflict(false);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  };

  return (
    <Modal
      title={base ? t('contacts.edit') : t('contacts.add')}
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      width={680}
      forceRender
    >
      {conflict && (
        <Alert
          type="warning"
          showIcon
          role="alert"
          style={{ marginBottom: 16 }}
          message={t('form.conflictTitle')}
          description={
            <Button type="primary" onClick={reloadLatest}>
              {t('form.conflictReload')}
            </Button>
          }
        />
      )}
      <FormErrorAlert message={error} fieldErrors={fieldErrors} />
      <Form<ContactFormValues> form={form} name="contact" layout="vertical" onFinish={submit}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              label={t('contacts.name')}
              name="name"
              rules={[{ required: true, whitespace: true, message: t('common.required', { field: t('contacts.name') }) }, maxLen('contacts.name', 200)]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('contacts.titleField')} name="title" rules={[maxLen('contacts.titleField', 100)]}>
              <Input />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              label={t('contacts.phone')}
              name="phone"
              rules={[
                {
                  validator: (_r, v: string | undefined) =>
                    !v || !v.trim() || looksLikePhone(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('form.phoneInvalid'))),
                },
              ]}
            >
              <Input inputMode="tel" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              label={t('contacts.email')}
              name="email"
              rules={[
                {
                  validator: (_r, v: string | undefined) =>
                    !v || !v.trim() || looksLikeEmail(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('form.emailInvalid'))),
                },
              ]}
            >
              <Input inputMode="email" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('contacts.wechat')} name="wechat" rules={[maxLen('contacts.wechat', 100)]}>
              <Input />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item label={t('contacts.personality')} name="personality">
              <Select allowClear placeholder={t('form.selectPlaceholder')} options={options('personality', meta.personalities)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              label={t('contacts.birthday')}
              name="birthday"
              rules={[
                {
                  validator: (_r, v: string | undefined) =>
                    !v || !v.trim() || isValidCareDate(v.trim()) ? Promise.resolve() : Promise.reject(new Error(t('care.invalidDate'))),
                },
              ]}
            >
              <Input placeholder={t('care.datePlaceholder')} />
            </Form.Item>
          </Col>
          <Col xs={24}>
            <Form.Item label={t('contacts.notes')} name="notes" rules={[maxLen('contacts.notes', 10000)]}>
              <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
