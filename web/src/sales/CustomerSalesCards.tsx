// The customer page's sales cards: the customer's opportunities (with a create
// button) and its orders.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Empty, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { Link, useNavigate } from 'react-router-dom';
import { api, qs } from '../api';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import type { Opportunity, Order } from '../salesTypes';
import type { Page } from '../types';
import { CreateOpportunityModal } from './CreateOpportunityModal';
import { useStages } from './useStages';
import { OPP_STATUS_COLOURS } from './colours';

export function CustomerSalesCards({ customerId, customerName, writable }: { customerId: number; customerName: string; writable: boolean }) {
  const { t, label, fmtTime } = useI18n();
  const navigate = useNavigate();
  const stages = useStages();
  const [opps, setOpps] = useState<Opportunity[] | null>(null);
  const [orders, setOrders] = useState<Order[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);

  const load = useCallback(async () => {
    try {
      const [o, r] = await Promise.all([
        api.get<Page<Opportunity>>(`/opportunities${qs({ customer_id: customerId, limit: 200 })}`),
        api.get<Page<Order>>(`/orders${qs({ customer_id: customerId, limit: 50 })}`),
      ]);
      setOpps(o.items);
      setOrders(r.items);
      setError(null);
    } catch (e) {
      setError(errorMessage(t, e));
    }
  }, [customerId, t]);

  useEffect(() => {
    void load();
  }, [load]);

  const h2 = (s: string) => (
    <Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>
      {s}
    </Typography.Title>
  );
  return (
    <>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      <Card
        title={h2(t('opp.cardTitle'))}
        style={{ marginBottom: 16 }}
        extra={
          writable && (
            <Button icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)} data-testid="customer-create-opportunity">
              {t('opp.create')}
            </Button>
          )
        }
        data-testid="customer-opportunities"
      >
        <Table<Opportunity>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={opps ?? []}
          loading={opps === null && !error}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('opp.none')} /> }}
          columns={[
            { title: t('opp.title'), key: 'title', render: (_, o) => <Link to={`/opportunities/${o.id}`}>{o.title}</Link> },
            { title: t('opp.stage'), key: 'stage', render: (_, o) => <Tag color={OPP_STATUS_COLOURS[o.status]}>{stages.name(o.stage) || o.stage_name}</Tag> },
            { title: t('opp.amount'), key: 'amount', align: 'right', render: (_, o) => formatFen(o.amount) },
            { title: t('opp.expectedClose'), dataIndex: 'expected_close' },
            { title: t('opp.owner'), key: 'owner', render: (_, o) => o.owner_name || t('opp.noOwner') },
          ]}
        />
      </Card>
      <Card title={h2(t('opp.ordersCard'))} style={{ marginBottom: 16 }} data-testid="customer-orders">
        <Table<Order>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={orders ?? []}
          loading={orders === null && !error}
          columns={[
            { title: t('orders.orderedAt'), key: 'at', render: (_, o) => fmtTime(o.ordered_at) },
            { title: t('orders.total'), key: 'total', align: 'right', render: (_, o) => formatFen(o.total) },
            { title: t('orders.channel'), key: 'ch', render: (_, o) => label('channel', o.channel) },
            { title: t('orders.status'), key: 'st', render: (_, o) => label('order_status', o.status) },
            { title: t('opp.owner'), dataIndex: 'owner_name' },
          ]}
        />
      </Card>
      <CreateOpportunityModal
        open={creating}
        stages={stages}
        customer={{ id: customerId, name: customerName }}
        onClose={() => setCreating(false)}
        onCreated={(o) => {
          setCreating(false);
          navigate(`/opportunities/${o.id}`);
        }}
      />
    </>
  );
}
