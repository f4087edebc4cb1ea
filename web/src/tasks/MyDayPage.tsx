// 「我的一天」 (/my-day): my open tasks in three sections — 已逾期 (red), 今天,
// 即将到期 (next 7 days) — from GET /tasks/my-day, each row with complete (with
// an optional note) and edit. Managers (and admins in a team) choose whose day:
// me, my team, or one member.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Card, Space, Typography } from 'antd';
import { api, qs } from '../api';
import { canWriteCustomers, useUser } from '../auth';
import { FilterSelect } from '../components/FilterSelect';
import { errorMessage } from '../errors';
import { useI18n, type MessageKey } from '../i18n';
import { TaskTable } from './TaskTable';
import { CompleteTaskModal, TaskFormModal } from './TaskModals';
import { onTasksChanged, type MyDay, type TaskItem, type TaskUserRef } from './taskTypes';

export default function MyDayPage() {
  const { t } = useI18n();
  const user = useUser();
  const canChoose = (user.role === 'manager' || user.role === 'admin') && user.team_id !== null;
  const [scope, setScope] = useState<string>('me');
  const [members, setMembers] = useState<TaskUserRef[]>([]);
  const [day, setDay] = useState<MyDay | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [completing, setCompleting] = useState<TaskItem | null>(null);
  const [editing, setEditing] = useState<TaskItem | null>(null);

  const load = useCallback(() => {
    const params = scope === 'team' ? { team_id: user.team_id } : scope === 'me' ? {} : { user_id: scope };
    api
      .get<MyDay>(`/tasks/my-day${qs(params)}`)
      .then((d) => {
        setDay(d);
        setError(null);
        if (d.team) setMembers(d.team.members.filter((m) => m.id !== user.id));
      })
      .catch((e) => setError(errorMessage(t, e)));
  }, [scope, user.team_id, user.id, t]);

  useEffect(() => load(), [load]);
  useEffect(() => onTasksChanged(load), [load]);
  // The member list comes with the team's day; ask for it once.
  useEffect(() => {
    if (!canChoose) return;
    api
      .get<MyDay>(`/tasks/my-day${qs({ team_id: user.team_id })}`)
      .then((d) => setMembers((d.team?.members ?? []).filter((m) => m.id !== user.id)))
      .catch(() => undefined);
  }, [canChoose, user.team_id, user.id]);

  const writable = canWriteCustomers(user.role);
  const showAssignee = scope === 'team';
  const sections: { key: keyof MyDay['counts']; title: MessageKey; danger?: boolean }[] = [
    { key: 'overdue', title: 'tasks.section.overdue', danger: true },
    { key: 'due_today', title: 'tasks.section.dueToday' },
    { key: 'upcoming', title: 'tasks.section.upcoming' },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }}>
      <Space wrap align="center" style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={1} style={{ fontSize: 22, margin: 0 }}>{t('tasks.myDay.title')}</Typography.Title>
        {canChoose && (
          <FilterSelect
            label={t('tasks.scope.label')}
            value={scope}
            onChange={(v) => setScope(v)}
            style={{ minWidth: 220 }}
            data-testid="my-day-scope"
            options={[
              { value: 'me', label: t('tasks.scope.me') },
              { value: 'team', label: t('tasks.scope.team') },
              ...members.map((m) => ({ value: String(m.id), label: t('tasks.scope.member', { name: m.display_name || m.login }) })),
            ]}
          />
        )}
      </Space>
      {day && <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('tasks.myDay.intro', { day: day.today })}</Typography.Paragraph>}
      {error && <Alert type="error" showIcon role="alert" message={error} />}
      {day &&
        sections.map((s) => {
          const items = day[s.key] as TaskItem[];
          const total = day.counts[s.key];
          return (
            <Card
              key={s.key}
              data-testid={`my-day-${s.key}`}
              title={
                <Typography.Title level={2} type={s.danger && total > 0 ? 'danger' : undefined} style={{ fontSize: 16, margin: 0 }}>
                  {t(s.title)} ({total})
                </Typography.Title>
              }
              styles={s.danger && total > 0 ? { header: { borderBottom: '2px solid #c41d24' } } : undefined}
            >
              {total > items.length && (
                <Typography.Paragraph type="secondary">{t('tasks.section.more', { total, shown: items.length })}</Typography.Paragraph>
              )}
              <TaskTable
                tasks={items}
                today={day.today}
                now={day.now_time}
                showAssignee={showAssignee}
                onComplete={setCompleting}
                onEdit={writable ? setEditing : undefined}
                testId={`my-day-table-${s.key}`}
              />
            </Card>
          );
        })}
      <CompleteTaskModal task={completing} onClose={() => setCompleting(null)} onDone={() => { setCompleting(null); load(); }} />
      <TaskFormModal open={editing !== null} task={editing} onClose={() => setEditing(null)} onSaved={() => { setEditing(null); load(); }} />
    </Space>
  );
}
