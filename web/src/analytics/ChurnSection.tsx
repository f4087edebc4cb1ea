// Churn alerts ranked by value at risk, each with a one-click follow-up task
// (POST /tasks, origin churn_alert, due tomorrow); a row that already has an open
// task shows it instead of the button.
import { useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Radio, Space, Table, Tag } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api';
import type { ChurnItem, Task } from '../analyticsTypes';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';
import { formatFen } from '../money';
import { shanghaiDay } from './dates';
import { classLabel, formatNumber, formatProb, reasonLabel } from './labels';
import { SectionTitle } from './SectionTitle';
import { useGet } from './useGet';

/** The owner's display name, else their login. */
function ownerName(item: ChurnItem): string {
  return item.owner_name || item.owner || '';
}

export function ChurnSection({ runId }: { runId: number }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [mine, setMine] = useState(false);
  const churn = useGet<{ items: ChurnItem[] }>(`/analytics/churn?limit=100${mine ? '&owner=me' : ''}`, runId);
  // Tasks created on this page, by customer (the list is not reloaded after a click).
  const [created, setCreated] = useState<Record<number, number>>({});
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => setCreated({}), [runId]);

  const createTask = async (row: ChurnItem) => {
    setBusy(row.customer_id);
    setError(null);
    try {
      const task = await api.post<Task>('/tasks', {
        customer_id: row.customer_id,
        title: t('ana.churn.taskTitle', { name: row.customer_name }),
        due_day: shanghaiDay(1),
        origin: 'churn_alert',
      });
      setCreated((c) => ({ ...c, [row.customer_id]: task.id }));
      message.success(t('ana.churn.taskCreatedMessage', { name: row.customer_name }));
    } catch (e) {
      setError(errorMessage(t, e));
    } finally {
      setBusy(null);
    }
  };

  const days = (n: number | null) => (n === null || n === undefined ? t('common.none') : t('ana.churn.days', { n: formatNumber(n, 1) }));

  return (
    <Card
      title={<SectionTitle text={t('ana.churn.title')} />}
      extra={
        // antd's Radio.Group has no role of its own: the wrapper names the choice.
        <div role="radiogroup" aria-label={t('ana.churn.scope')}>
          <Radio.Group
            optionType="button"
            size="small"
            value={mine ? 'me' : 'all'}
            onChange={(e) => setMine(e.target.value === 'me')}
            options={[
              { value: 'all', label: t('ana.churn.scopeAll') },
              { value: 'me', label: t('ana.churn.scopeMine') },
            ]}
          />
        </div>
      }
      style={{ marginBottom: 16 }}
    >
      {churn.error && <Alert type="error" showIcon role="alert" message={churn.error} style={{ marginBottom: 12 }} />}
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} />}
      <Table<ChurnItem>
        rowKey="customer_id"
        size="small"
        loading={churn.loading}
        dataSource={churn.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        scroll={{ x: 1000 }}
        locale={{ emptyText: t('ana.churn.empty') }}
        data-testid="churn-table"
        onRow={() => ({ 'data-testid': 'churn-row' }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('ana.customer'),
            key: 'name',
            render: (_, r) => (
              <Link to={`/customers/${r.customer_id}`} data-testid="churn-name">
                {r.customer_name}
              </Link>
            ),
          },
          {
            title: t('ana.churn.valueAtRisk'),
            key: 'var',
            align: 'right',
            render: (_, r) => <span data-testid="churn-value">{formatFen(r.value_at_risk)}</span>,
          },
          {
            title: t('ana.churn.reasons'),
            key: 'reasons',
            render: (_, r) => (
              <Space size={[0, 4]} wrap>
                {r.reasons.map((x) => (
                  <Tag key={x} color={x === 'low_p_alive' ? 'red' : undefined}>
                    {reasonLabel(t, x)}
                  </Tag>
                ))}
              </Space>
            ),
          },
          { title: t('ana.clv.pAlive'), key: 'p', align: 'right', render: (_, r) => formatProb(r.p_alive) },
          { title: t('ana.churn.gap'), key: 'gap', align: 'right', render: (_, r) => days(r.gap_days) },
          { title: t('ana.churn.usualInterval'), key: 'usual', align: 'right', render: (_, r) => days(r.usual_interval_days) },
          { title: t('list.rfmClass'), key: 'class', render: (_, r) => classLabel(t, r.rfm_class) },
          { title: t('ana.owner'), key: 'owner', render: (_, r) => ownerName(r) || t('customer.noOwner') },
          {
            title: t('common.actions'),
            key: 'task',
            render: (_, r) => {
              const done = created[r.customer_id] !== undefined || (r.open_task_id !== null && r.open_task_id !== undefined);
              return (
                <Button
                  size="small"
                  type={done ? 'default' : 'primary'}
                  disabled={done}
                  loading={busy === r.customer_id}
                  onClick={() => createTask(r)}
                  data-testid="churn-create-task"
                >
                  {done ? t('ana.churn.taskCreated') : t('ana.churn.createTask')}
                </Button>
              );
            },
          },
        ]}
      />
    </Card>
  );
}
