// "New customer" and "edit customer" drawers. The edit drawer PATCHes only the
// changed fields with If-Match: <version>; on 409 it keeps the user's edits, offers
// to load the latest version, and then to re-apply the edits on top of it.
import { useEffect, useState } from 'react';
import { Alert, App, Button, Descriptions, Drawer, Form, Space } from 'antd';
import { ApiError, api, isVersionConflict, request } from '../api';
import { canChooseOwner, useUser } from '../auth';
import { useRefData } from '../data';
import { applyFieldErrors, errorMessage } from '../errors';
import { useI18n, type MessageKey } from '../i18n';
import { formatFen } from '../money';
import type { Customer, CustomerWritable, ProblemFieldError } from '../types';
import { CustomerFields } from './CustomerFields';
import { FormErrorAlert } from './FormErrors';
import {
  NEW_CUSTOMER_DEFAULTS,
  createBody,
  diffCustomer,
  fromFormValues,
  toFormValues,
  type CustomerFormValues,
} from './customerForm';

const DRAWER_WIDTH = 760;

export const FIELD_LABEL: Record<keyof CustomerWritable, MessageKey> = {
  kind: 'customer.kind',
  name: 'customer.name',
  industry: 'customer.industry',
  size: 'customer.size',
  province: 'customer.province',
  city: 'customer.city',
  source: 'customer.source',
  owner_user_id: 'customer.owner',
  relationship: 'customer.relationship',
  relationship_level: 'customer.relationshipLevel',
  lifecycle_stage: 'customer.lifecycleStage',
  tags: 'customer.tags',
  care_dates: 'customer.careDates',
  phone: 'customer.phone',
  email: 'customer.email',
  notes: 'customer.notes',
  external_id: 'customer.externalId',
  purchase_potential: 'customer.purchasePotential',
};

export function CreateCustomerDrawer({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (c: Customer) => void }) {
  const { t } = useI18n();
  const user = useUser();
  const [form] = Form.useForm<CustomerFormValues>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const chooseOwner = canChooseOwner(user.role);

  useEffect(() => {
    if (open) {
      form.resetFields();
      form.setFieldsValue(NEW_CUSTOMER_DEFAULTS);
      setError(null);
      setFieldErrors([]);
    }
  }, [open, form]);

  const submit = async (values: CustomerFormValues) => {
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    try {
      const created = await api.post<Customer>('/customers', createBody(values, chooseOwner));
      onCreated(created);
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        setFieldErrors(applyFieldErrors(form, e.problem.errors));
      }
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Drawer
      title={t('form.newTitle')}
      open={open}
      onClose={onClose}
      width={DRAWER_WIDTH}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="customer-form-submit">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      <FormErrorAlert message={error} fieldErrors={fieldErrors} />
      <Form<CustomerFormValues> form={form} name="customer_new" layout="vertical" onFinish={submit} initialValues={NEW_CUSTOMER_DEFAULTS}>
        <CustomerFields chooseOwner={chooseOwner} />
      </Form>
    </Drawer>
  );
}

type Conflict = { stage: 'conflict' | 'reloaded'; mine: Partial<CustomerWritable> };

export function EditCustomerDrawer({
  customer,
  open,
  onClose,
  onSaved,
  onReloaded,
}: {
  customer: Customer;
  open: boolean;
  onClose: () => void;
  onSaved: (c: Customer) => void;
  onReloaded: (c: Customer) => void;
}) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const [form] = Form.useForm<CustomerFormValues>();
  const [base, setBase] = useState<Customer>(customer);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fieldErrors, setFieldErrors] = useState<ProblemFieldError[]>([]);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const chooseOwner = canChooseOwner(user.role);

  // Start from the current record each time the drawer opens.
  useEffect(() => {
    if (open) {
      setBase(customer);
      form.resetFields();
      form.setFieldsValue(toFormValues(customer));
      setError(null);
      setFieldErrors([]);
      setConflict(null);
    }
  }, [open]);

  const submit = async (values: CustomerFormValues) => {
    const body = diffCustomer(base, fromFormValues(values));
    // Users who cannot choose an owner have no owner field: never touch it.
    if (!chooseOwner) delete body.owner_user_id;
    if (Object.keys(body).length === 0) {
      message.info(t('form.noChanges'));
      onClose();
      return;
    }
    setBusy(true);
    setError(null);
    setFieldErrors([]);
    try {
      const saved = await api.patch<Customer>(`/customers/${base.id}`, body, base.version);
      setConflict(null);
      onSaved(saved);
    } catch (e) {
      if (isVersionConflict(e)) {
        setConflict({ stage: 'conflict', mine: body });
      } else {
        if (e instanceof ApiError && e.problem.errors?.length) setFieldErrors(applyFieldErrors(form, e.problem.errors));
        setError(errorMessage(t, e));
      }
    } finally {
      setBusy(false);
    }
  };

  const reloadLatest = async () => {
    if (!conflict) return;
    setBusy(true);
    try {
      const latest = (await request<Customer>('GET', `/customers/${base.id}`)).data;
      setBase(latest);
      form.resetFields();
      form.setFieldsValue(toFormValues(latest));
      onReloaded(latest);
      setConflict({ stage: 'reloaded', mine: conflict.mine });
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  const reapply = () => {
    if (!conflict) return;
    form.setFieldsValue(toFormValues(conflict.mine));
    setConflict(null);
  };

  return (
    <Drawer
      title={t('form.editTitle')}
      open={open}
      onClose={onClose}
      width={DRAWER_WIDTH}
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="customer-form-submit">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {conflict && <ConflictPanel conflict={conflict} busy={busy} onReload={reloadLatest} onReapply={reapply} onDiscard={() => setConflict(null)} />}
      <FormErrorAlert message={error} fieldErrors={fieldErrors} />
      <Form<CustomerFormValues> form={form} name="customer_edit" layout="vertical" onFinish={submit}>
        <CustomerFields chooseOwner={chooseOwner} />
      </Form>
    </Drawer>
  );
}

function ConflictPanel({
  conflict,
  busy,
  onReload,
  onReapply,
  onDiscard,
}: {
  conflict: Conflict;
  busy: boolean;
  onReload: () => void;
  onReapply: () => void;
  onDiscard: () => void;
}) {
  const { t } = useI18n();
  const format = useFieldFormatter();
  const mine = (
    <Descriptions size="small" column={1} bordered style={{ marginTop: 8 }} data-testid="conflict-mine">
      {(Object.keys(conflict.mine) as (keyof CustomerWritable)[]).map((f) => (
        <Descriptions.Item key={f} label={t(FIELD_LABEL[f])}>
          {format(f, conflict.mine[f])}
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
  if (conflict.stage === 'conflict') {
    return (
      <Alert
        type="warning"
        showIcon
        role="alert"
        data-testid="conflict-alert"
        style={{ marginBottom: 16 }}
        message={t('form.conflictTitle')}
        description={
          <>
            <div>{t('form.conflictBody')}</div>
            {mine}
            <Button type="primary" style={{ marginTop: 12 }} loading={busy} onClick={onReload} data-testid="conflict-reload">
              {t('form.conflictReload')}
            </Button>
          </>
        }
      />
    );
  }
  return (
    <Alert
      type="info"
      showIcon
      role="status"
      data-testid="conflict-reloaded"
      style={{ marginBottom: 16 }}
      message={t('form.reloadedTitle')}
      description={
        <>
          <div>{t('form.reloadedBody')}</div>
          {mine}
          <Space style={{ marginTop: 12 }}>
            <Button type="primary" onClick={onReapply} data-testid="conflict-reapply">
              {t('form.reapply')}
            </Button>
            <Button onClick={onDiscard}>{t('form.discardMine')}</Button>
          </Space>
        </>
      }
    />
  );
}

/** Formats a writable field's value for display (enums translated, owner named). */
export function useFieldFormatter() {
  const { t, label } = useI18n();
  const { userName } = useRefData();
  return (f: keyof CustomerWritable, v: unknown): string => {
    const empty = t('form.emptyValue');
    if (v === null || v === undefined || v === '') return empty;
    switch (f) {
      case 'kind':
        return label('kind', v as string);
      case 'size':
        return label('size', v as string);
      case 'source':
        return label('source', v as string);
      case 'relationship':
        return label('relationship', v as string);
      case 'relationship_level':
        return label('relationship_level', v as string);
      case 'lifecycle_stage':
        return label('lifecycle_stage', v as string);
      case 'owner_user_id':
        return userName(v as number);
      case 'purchase_potential':
        return formatFen(v as number);
      case 'tags':
        return (v as string[]).length ? (v as string[]).join(t('common.listSep')) : empty;
      case 'care_dates':
        return (v as { kind: string; label: string; date: string }[]).length
          ? (v as { kind: string; label: string; date: string }[])
              .map((d) => `${label('care_date_kind', d.kind)} ${d.label ? d.label + ' ' : ''}${d.date}`)
              .join(t('common.itemSep'))
          : empty;
      default:
        return String(v);
    }
  };
}
