// Orders: list with filters (owner, status, days), create, refund or cancel, and
// the CSV import (POST /orders/import, text/csv) with its report.
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Input, Modal, Popconfirm, Space, Table, Tag, Typography, Upload } from 'antd';
import { FilterSelect } from '../components/FilterSelect';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { Link } from 'react-router-dom';
import { api, isVersionConflict, qs, request } from '../api';
import { canChooseOwner, canWriteCustomers, useUser } from '../auth';
import { useRefData } from '../data';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import type { ImportReport, Order } from '../salesTypes';
import type { Page } from '../types';
import { CreateOrderModal, ORDER_STATUSES } from '../sales/CreateOrderModal';
import { ORDER_STATUS_COLOURS } from '../sales/colours';

export default function OrdersPage() {
  const { t, label, fmtTime } = useI18n();
  const { message } = App.useApp();
  const user = useUser();
  const { users } = useRefData();
  const [filters, setFilters] = useState({ owner: '', status: '', from: '', to: '' });
  const [orders, setOrders] = useState<Order[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [report, setReport] = useState<ImportReport | null>(null);
  const writable = canWriteCustomers(user.role);
  const canImport = user.role === 'admin' || user.role === 'manager';

  const load = useCallback(
    async (after?: string) => {
      setLoading(true);
      try {
        const page = await api.get<Page<Order>>(`/orders${qs({ ...filters, after })}`);
        setOrders((prev) => (after ? [...prev, ...page.items] : page.items));
        setNext(page.next);
        setError(null);
      } catch (e) {
        setError(errorMessage(t, e));
      } finally {
        setLoading(false);
      }
    },
    [filters, t],
  );

  useEffect(() => {
    void load();
  }, [load]);

  const setStatus = async (o: Order, status: string) => {
    try {
      await api.patch<Order>(`/orders/${o.id}`, { status }, o.version);
      message.success(t('common.saved'));
    } catch (e) {
      message.error(isVersionConflict(e) ? t('orders.conflict') : errorMessage(t, e));
    }
    await load();
  };

  const importCsv = async (file: File) => {
    try {
      const text = await file.text();
      const res = await request<ImportReport>('POST', '/orders/import', { text: { body: text, contentType: 'text/csv' } });
      setReport(res.data);
      await load();
    } catch (e) {
      message.error(errorMessage(t, e));
    }
  };

  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, margin: 0 }}>
          {t('orders.title')}
        </Typography.Title>
        <Space wrap>
          {canImport && (
            <Upload
              accept=".csv,text/csv"
              showUploadList={false}
              beforeUpload={(file) => {
                void importCsv(file);
                return false;
              }}
            >
              <Button icon={<UploadOutlined aria-hidden />} data-testid="import-orders">
                {t('orders.import')}
              </Button>
            </Upload>
          )}
          {writable && (
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="create-order">
              {t('orders.create')}
            </Button>
          )}
        </Space>
      </Space>
      <Space wrap className="gx-filters" style={{ marginBottom: 16 }}>
        {canChooseOwner(user.role) && (
          <FilterSelect
            label={t('sales.filterOwner')}
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ minWidth: 150 }}
            value={filters.owner || undefined}
            onChange={(v?: string) => setFilters((f) => ({ ...f, owner: v ?? '' }))}
            options={users.map((u) => ({ value: u.login, label: u.display_name || u.login }))}
          />
        )}
        <FilterSelect
          label={t('orders.status')}
          allowClear
          style={{ minWidth: 120 }}
          value={filters.status || undefined}
          onChange={(v?: string) => setFilters((f) => ({ ...f, status: v ?? '' }))}
          options={ORDER_STATUSES.map((s) => ({ value: s, label: label('order_status', s) }))}
        />
        <Input type="date" aria-label={t('orders.from')} value={filters.from} onChange={(e) => setFilters((f) => ({ ...f, from: e.target.value }))} style={{ width: 160 }} />
        <Input type="date" aria-label={t('orders.to')} value={filters.to} onChange={(e) => setFilters((f) => ({ ...f, to: e.target.value }))} style={{ width: 160 }} />
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Table<Order>
        rowKey="id"
        dataSource={orders}
        loading={loading}
        pagination={false}
        data-testid="orders-table"
        columns={[
          { title: t('orders.orderedAt'), key: 'at', render: (_, o) => fmtTime(o.ordered_at) },
          { title: t('opp.customer'), key: 'customer', render: (_, o) => <Link to={`/customers/${o.customer_id}`}>{o.customer_name}</Link> },
          { title: t('orders.total'), key: 'total', align: 'right', render: (_, o) => <span data-testid="order-total">{formatFen(o.total)}</span> },
          { title: t('orders.channel'), key: 'channel', render: (_, o) => label('channel', o.channel) },
          { title: t('orders.status'), key: 'status', render: (_, o) => <Tag color={ORDER_STATUS_COLOURS[o.status]}>{label('order_status', o.status)}</Tag> },
          { title: t('opp.owner'), dataIndex: 'owner_name' },
          { title: t('orders.externalId'), dataIndex: 'external_id' },
          ...(writable
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  render: (_: unknown, o: Order) =>
                    o.status === 'placed' || o.status === 'paid' ? (
                      <Space>
                        <Popconfirm title={t('orders.refundConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => setStatus(o, 'refunded')}>
                          <Button size="small">{t('orders.refund')}</Button>
                        </Popconfirm>
                        <Popconfirm title={t('orders.cancelConfirm')} okText={t('common.confirm')} cancelText={t('common.cancel')} onConfirm={() => setStatus(o, 'cancelled')}>
                          <Button size="small" danger>
                            {t('orders.cancelOrder')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
      {next && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void load(next)} loading={loading}>
            {t('common.loadMore')}
          </Button>
        </div>
      )}
      <CreateOrderModal
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={() => {
          setCreating(false);
          void load();
        }}
      />
      <Modal open={report !== null} title={t('orders.importReport')} onCancel={() => setReport(null)} footer={<Button onClick={() => setReport(null)}>{t('common.close')}</Button>}>
        {report && (
          <div data-testid="import-report">
            <p>{t('orders.importCounts', { inserted: report.inserted, present: report.already_present, rejected: report.rejected.length })}</p>
            {report.rejected.length > 0 && (
              <Table
                rowKey={(r) => `${r.line}-${r.field}`}
                size="small"
                pagination={false}
                dataSource={report.rejected}
                columns={[
                  { title: t('orders.line'), dataIndex: 'line' },
                  { title: t('orders.field'), dataIndex: 'field' },
                  { title: t('orders.message'), dataIndex: 'message' },
                ]}
              />
            )}
          </div>
        )}
      </Modal>
    </>
  );
}
