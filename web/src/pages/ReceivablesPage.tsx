// Receivables (回收账款): accounts with outstanding and overdue amounts, and the
// ageing table per owner.
import { useEffect, useState } from 'react';
import { Alert, Card, Checkbox, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { api, qs } from '../api';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import type { AgeingRow, ReceivableAccount, Receivables } from '../salesTypes';
import { TAG } from '../sales/colours';

export default function ReceivablesPage() {
  const { t } = useI18n();
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [data, setData] = useState<Receivables | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stale = false;
    api
      .get<Receivables>(`/receivables${qs({ overdue: overdueOnly ? 'true' : '' })}`)
      .then((d) => !stale && (setData(d), setError(null)))
      .catch((e) => !stale && setError(errorMessage(t, e)));
    return () => {
      stale = true;
    };
  }, [overdueOnly, t]);

  const money = (v: number) => formatFen(v);
  return (
    <>
      <Typography.Title level={1} className="gx-page-title" style={{ fontSize: 24, marginTop: 0 }}>
        {t('recv.title')}
      </Typography.Title>
      <Space style={{ marginBottom: 16 }} wrap>
        <Checkbox checked={overdueOnly} onChange={(e) => setOverdueOnly(e.target.checked)}>
          {t('recv.overdueOnly')}
        </Checkbox>
        {data && <Typography.Text type="secondary">{t('recv.asOf', { day: data.as_of })}</Typography.Text>}
      </Space>
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 16 }} />}
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('recv.accounts')}</Typography.Title>} style={{ marginBottom: 16 }}>
        <Table<ReceivableAccount>
          rowKey={(a) => (a.opportunity_id ? `o${a.opportunity_id}` : `r${a.order_id}`)}
          size="small"
          dataSource={data?.accounts ?? []}
          loading={!data && !error}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          data-testid="receivables-table"
          columns={[
            { title: t('opp.customer'), key: 'c', render: (_, a) => <Link to={`/customers/${a.customer_id}`}>{a.customer_name}</Link> },
            {
              title: t('recv.account'),
              key: 'title',
              render: (_, a) => (a.opportunity_id ? <Link to={`/opportunities/${a.opportunity_id}`}>{a.title}</Link> : `${t('recv.order')} ${a.title || `#${a.order_id}`}`),
            },
            { title: t('opp.owner'), dataIndex: 'owner_name' },
            { title: t('pay.planned'), key: 'p', align: 'right', render: (_, a) => money(a.planned) },
            { title: t('pay.received'), key: 'r', align: 'right', render: (_, a) => money(a.received) },
            { title: t('pay.outstanding'), key: 'o', align: 'right', render: (_, a) => money(a.outstanding) },
            {
              title: t('pay.overdue'),
              key: 'od',
              align: 'right',
              render: (_, a) =>
                a.overdue > 0 ? (
                  <Tag color={TAG.red}>
                    {money(a.overdue)} · {t('pay.daysOverdue', { n: a.oldest_overdue_days })}
                  </Tag>
                ) : (
                  money(0)
                ),
            },
          ]}
        />
      </Card>
      <Card title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('recv.ageing')}</Typography.Title>}>
        <Table<AgeingRow>
          rowKey={(r) => String(r.owner_user_id)}
          size="small"
          pagination={false}
          dataSource={data?.ageing ?? []}
          data-testid="ageing-table"
          columns={[
            { title: t('opp.owner'), key: 'n', render: (_, r) => r.owner_name || t('opp.noOwner') },
            { title: t('recv.current'), key: 'c', align: 'right', render: (_, r) => money(r.current) },
            { title: t('recv.d1_30'), key: '1', align: 'right', render: (_, r) => money(r.d1_30) },
            { title: t('recv.d31_60'), key: '2', align: 'right', render: (_, r) => money(r.d31_60) },
            { title: t('recv.d61_90'), key: '3', align: 'right', render: (_, r) => money(r.d61_90) },
            { title: t('recv.d90_plus'), key: '4', align: 'right', render: (_, r) => money(r.d90_plus) },
            { title: t('recv.total'), key: 't', align: 'right', render: (_, r) => money(r.total) },
          ]}
        />
      </Card>
    </>
  );
}
