// On the customer page: the customer's open tasks (GET /tasks?customer_id=&status=open,
// by due day) with complete and edit, and 「新建任务」.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Typography } from 'antd';
import { api, qs } from '../api';
import { useI18n } from '../i18n';
import { errorMessage } from '../errors';
import { shanghaiDay } from '../analytics/dates';
import { TaskTable } from '../tasks/TaskTable';
import { CompleteTaskModal, TaskFormModal } from '../tasks/TaskModals';
import { onTasksChanged, type TaskItem } from '../tasks/taskTypes';

const LIMIT = 20;

function shanghaiTime(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(11, 16);
}

export function CustomerTasksCard({ customerId, writable }: { customerId: number; writable: boolean }) {
  const { t } = useI18n();
  const [tasks, setTasks] = useState<TaskItem[]>([]);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<TaskItem | null>(null);
  const [completing, setCompleting] = useState<TaskItem | null>(null);

  const load = useCallback(() => {
    api
      .get<{ items: TaskItem[]; next: string | null }>(`/tasks${qs({ customer_id: customerId, status: 'open', limit: LIMIT })}`)
      .then((p) => {
        setTasks(p.items);
        setMore(p.next !== null);
        setError(null);
      })
      .catch((e) => setError(errorMessage(t, e)));
  }, [customerId, t]);
  useEffect(() => load(), [load]);
  useEffect(() => onTasksChanged(load), [load]);

  return (
    <Card
      style={{ marginBottom: 16 }}
      data-testid="customer-tasks"
      title={<Typography.Title level={2} style={{ fontSize: 16, margin: 0 }}>{t('tasks.card.title')}</Typography.Title>}
      extra={writable && (
        <Button size="small" onClick={() => setCreating(true)} data-testid="customer-task-new">{t('tasks.new')}</Button>
      )}
    >
      {error && <Alert type="error" showIcon role="alert" message={error} style={{ marginBottom: 8 }} />}
      {tasks.length === 0 && !error ? (
        <Typography.Text type="secondary">{t('tasks.card.empty')}</Typography.Text>
      ) : (
        <TaskTable
          tasks={tasks}
          today={shanghaiDay()}
          now={shanghaiTime()}
          showAssignee
          onComplete={writable ? setCompleting : undefined}
          onEdit={writable ? setEditing : undefined}
        />
      )}
      {more && <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>{t('tasks.card.more', { n: LIMIT })}</Typography.Paragraph>}
      <TaskFormModal open={creating} customerId={customerId} onClose={() => setCreating(false)} onSaved={() => { setCreating(false); load(); }} />
      <TaskFormModal open={editing !== null} task={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); load(); }} />
      <CompleteTaskModal task={completing} onClose={() => setCompleting(null)} onDone={() => { setCompleting(null); load(); }} />
    </Card>
  );
}
