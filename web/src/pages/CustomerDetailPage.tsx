// Customer detail: every field, edit (PATCH + If-Match), archive/restore, delete
// (admin), and the contacts of the customer.
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Descriptions, Popconfirm, Result, Space, Spin, Tag, Typography } from 'antd';
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { ApiError, api } from '../api';
import { canDeleteCustomers, canWriteCustomers, useUser } from '../auth';
import { MetricsCard } from '../analytics/MetricsCard';
import { ContactsCard } from '../components/ContactsCard';
import { EditCustomerDrawer } from '../components/CustomerDrawers';
import { errorMessage } from '../errors';
import { CustomerSalesCards } from '../sales/CustomerSalesCards';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import type { Customer } from '../types';
import { TransferButton } from '../relationship/TransferButton';
import { DuplicatesHint } from '../relationship/DuplicatesHint';
import { LifecycleCard } from '../relationship/LifecycleCard';
import { CustomerJourneysCard } from '../relationship/CustomerJourneysCard';
import { TimelineCard } from '../relationship/TimelineCard';
import { CustomerTasksCard } from '../relationship/CustomerTasksCard';

export default function CustomerDetailPage() {
  const { id } = useParams();
  const { t, label, fmtTime } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const user = useUser();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [loadError, setLoadError] = useState<ApiError | Error | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setCustomer(await api.get<Customer>(`/customers/${id}`));
    } catch (e) {
      setLoadError(e instanceof Error ? e : new Error(String(e)));
    }
  }, [id]);

  useEffect(() => {
    setCustomer(null);
    void load();
  }, [load]);

  if (loadError) {
    const notFound = loadError instanceof ApiError && (loadError.status === 404 || loadError.status === 400);
    return (
      <Result
        status={notFound ? '404' : 'error'}
        title={
          <Typography.Title level={1} style={{ fontSize: 22 }}>
            {notFound ? t('detail.notFound') : t('error.pageTitle')}
          </Typography.Title>
        }
        subTitle={notFound ? undefined : errorMessage(t, loadError)}
        extra={
          <Button type="primary" onClick={() => navigate('/customers')}>
            {t('detail.back')}
          </Button>
        }
      />
    );
  }
  if (!customer) {
    return (
      <div style={{ padding: 48, textAlign: 'center' }} role="status">
        <Spin />
        <div style={{ marginTop: 8 }}>{t('common.loading')}</div>
      </div>
    );
  }

  const writable = canWriteCustomers(user.role);
  const c = customer;

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setActionError(null);
    try {
      await fn();
    } catch (e) {
      setActionError(errorMessage(t, e));
    } finally {
      setBusy(false);
    }
  };

  const archiveOrRestore = () =>
    act(async () => {
      const updated = await api.post<Customer>(`/customers/${c.id}/${c.archived ? 'restore' : 'archive'}`);
      setCustomer(updated);
      message.success(t(c.archived ? 'detail.restoredMessage' : 'detail.archivedMessage'));
    });

  const remove = () =>
    act(async () => {
      await api.del(`/customers/${c.id}`);
      message.success(t('detail.deletedMessage'));
      navigate('/customers', { replace: true });
    });

  const none = t('common.none');
  const text = (v: string) => v || none;
  const field = (name: string, value: ReactNode) => <span data-testid={`field-${name}`}>{value}</span>;

  return (
    <>
      <Link to="/customers">
        <ArrowLeftOutlined aria-hidden /> {t('detail.back')}
      </Link>
      <Space style={{ width: '100%', justifyContent: 'space-between', margin: '12px 0 16px' }} wrap align="center">
        <Space align="center" wrap>
          <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }} data-testid="customer-title">
            {c.name}
          </Typography.Title>
          <Tag color="blue">{label('relationship', c.relationship)}</Tag>
          {c.archived && <Tag color="default">{t('customer.archived')}</Tag>}
          {!writable && <Tag>{t('detail.readOnly')}</Tag>}
        </Space>
        {writable && (
          <Space wrap>
            <Button type="primary" onClick={() => setEditing(true)} data-testid="edit-customer" disabled={busy}>
              {t('common.edit')}
            </Button>
            <Button onClick={archiveOrRestore} loading={busy} data-testid="archive-customer">
              {c.archived ? t('detail.restore') : t('detail.archive')}
            </Button>
            <TransferButton customer={c} onDone={() => void load()} />
            {canDeleteCustomers(user.role) && (
              <Popconfirm
                title={t('detail.deleteConfirm')}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true }}
                onConfirm={remove}
              >
                <Button danger data-testid="delete-customer" disabled={busy}>
                  {t('common.delete')}
                </Button>
              </Popconfirm>
            )}
          </Space>
        )}
      </Space>

      {c.archived && <Alert type="warning" showIcon message={t('detail.archivedBanner')} style={{ marginBottom: 16 }} />}
      {!c.archived && <DuplicatesHint customerId={c.id} />}
      {actionError && <Alert type="error" showIcon role="alert" message={actionError} style={{ marginBottom: 16 }} closable onClose={() => setActionError(null)} />}

      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('detail.profile')}</Typography.Title>} style={{ marginBottom: 16 }}>
        <Descriptions bordered size="small" column={{ xs: 1, sm: 1, md: 2, lg: 3 }}>
          <Descriptions.Item label={t('customer.name')}>{field('name', c.name)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.kind')}>{field('kind', label('kind', c.kind))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.industry')}>{field('industry', text(c.industry))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.size')}>{field('size', label('size', c.size))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.province')}>{field('province', text(c.province))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.city')}>{field('city', text(c.city))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.source')}>{field('source', label('source', c.source))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.owner')}>{field('owner', c.owner_name || t('customer.noOwner'))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.relationship')}>{field('relationship', label('relationship', c.relationship))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.relationshipLevel')}>
            {field('relationship_level', label('relationship_level', c.relationship_level))}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.lifecycleStage')}>{field('lifecycle_stage', label('lifecycle_stage', c.lifecycle_stage))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.phone')}>{field('phone', text(c.phone))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.phoneRegion')}>{field('phone_region', text(c.phone_region))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.email')}>{field('email', text(c.email))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.externalId')}>{field('external_id', text(c.external_id))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.purchasePotential')}>{field('purchase_potential', formatFen(c.purchase_potential))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.tags')} span={2}>
            {field(
              'tags',
              c.tags.length ? (
                <Space size={[0, 4]} wrap>
                  {c.tags.map((tag) => (
                    <Tag key={tag}>{tag}</Tag>
                  ))}
                </Space>
              ) : (
                none
              ),
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.careDates')} span={3}>
            {field(
              'care_dates',
              c.care_dates.length ? (
                <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                  {c.care_dates.map((d, i) => (
                    <li key={i}>
                      {label('care_date_kind', d.kind)}
                      {d.label ? ` · ${d.label}` : ''} · {d.date}
                    </li>
                  ))}
                </ul>
              ) : (
                none
              ),
            )}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.notes')} span={3}>
            {field('notes', c.notes ? <pre className="gx-pre">{c.notes}</pre> : none)}
          </Descriptions.Item>
          <Descriptions.Item label={t('customer.status')}>{field('archived', c.archived ? t('customer.archived') : t('customer.active'))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.createdAt')}>{field('created_at', fmtTime(c.created_at))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.updatedAt')}>{field('updated_at', fmtTime(c.updated_at))}</Descriptions.Item>
          <Descriptions.Item label={t('customer.id')}>{field('id', c.id)}</Descriptions.Item>
          <Descriptions.Item label={t('customer.version')}>{field('version', c.version)}</Descriptions.Item>
        </Descriptions>
      </Card>

      <MetricsCard customerId={c.id} />
      <LifecycleCard customerId={c.id} version={c.version} writable={writable && !c.archived} onChanged={() => void load()} />
      <CustomerJourneysCard customerId={c.id} writable={writable && !c.archived} />
      <CustomerTasksCard customerId={c.id} writable={writable && !c.archived} />
      <TimelineCard customerId={c.id} archived={c.archived} />
      <ContactsCard customerId={c.id} writable={writable} />
      <CustomerSalesCards customerId={c.id} customerName={c.name} writable={writable && !c.archived} />

      {writable && (
        <EditCustomerDrawer
          customer={c}
          open={editing}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setCustomer(saved);
            setEditing(false);
            message.success(t('common.saved'));
          }}
          onReloaded={setCustomer}
        />
      )}
    </>
  );
}
