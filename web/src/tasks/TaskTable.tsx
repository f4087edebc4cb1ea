// A table of tasks: customer link, title, kind, priority, due (overdue in red),
// origin and, when allowed, complete and edit buttons. Used by 「我的一天」.
import { Button, Space, Table, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n, type MessageKey } from '../i18n';
import { isOverdue, type TaskItem } from './taskTypes';

const PRIORITY_COLOR: Record<string, string> = { low: 'default', normal: 'blue', high: 'orange', urgent: 'red' };

export function TaskTable({ tasks, today, now, showAssignee, onComplete, onEdit, testId }: {
  tasks: TaskItem[];
  today: string;
  now: string;
  showAssignee?: boolean;
  onComplete?: (t: TaskItem) => void;
  onEdit?: (t: TaskItem) => void;
  testId?: string;
}) {
  const { t } = useI18n();
  return (
    <Table<TaskItem>
      data-testid={testId}
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={tasks}
      // antd's pale empty-table text is below 4.5:1 contrast; the secondary text colour is not.
      locale={{ emptyText: <Typography.Text type="secondary">{t('tasks.section.empty')}</Typography.Text> }}
      columns={[
        {
          title: t('tasks.col.customer'),
          key: 'customer',
          render: (_, r) => <Link to={`/customers/${r.customer_id}`}>{r.customer_name}</Link>,
        },
        { title: t('tasks.col.title'), dataIndex: 'title', key: 'title' },
        { title: t('tasks.col.kind'), key: 'kind', render: (_, r) => t(`tasks.kind.${r.kind}` as MessageKey) },
        {
          title: t('tasks.col.priority'),
          key: 'priority',
          render: (_, r) => <Tag color={PRIORITY_COLOR[r.priority] ?? 'default'}>{t(`tasks.priority.${r.priority}` as MessageKey)}</Tag>,
        },
        {
          title: t('tasks.col.due'),
          key: 'due',
          render: (_, r) => {
            const late = isOverdue(r, today, now);
            return (
              <Space size={4}>
                <Typography.Text type={late ? 'danger' : undefined}>
                  {r.due_day} {r.due_time ?? t('tasks.anyTime')}
                </Typography.Text>
                {late && <Tag color="red">{t('tasks.overdueTag')}</Tag>}
              </Space>
            );
          },
        },
        { title: t('tasks.col.origin'), key: 'origin', render: (_, r) => t(`tasks.origin.${r.origin}` as MessageKey) },
        ...(showAssignee ? [{ title: t('tasks.col.assignee'), key: 'assignee', render: (_: unknown, r: TaskItem) => r.assignee_name ?? '' }] : []),
        ...(onComplete || onEdit
          ? [{
            title: t('tasks.col.action'),
            key: 'action',
            render: (_: unknown, r: TaskItem) => (
              <Space size={4}>
                {onComplete && (
                  <Button size="small" type="primary" onClick={() => onComplete(r)} data-testid="task-complete"
                    aria-label={`${t('tasks.complete')}: ${r.title}`}>
                    {t('tasks.complete')}
                  </Button>
                )}
                {onEdit && (
                  <Button size="small" onClick={() => onEdit(r)} aria-label={`${t('tasks.edit')}: ${r.title}`}>
                    {t('tasks.edit')}
                  </Button>
                )}
              </Space>
            ),
          }]
          : []),
      ]}
    />
  );
}
