// The navigation's 「我的一天」 entry with a badge of my overdue + due-today tasks
// (GET /tasks/reminders), refreshed every minute, on route changes and whenever a
// page reports a task change.
import { useCallback, useEffect, useState } from 'react';
import { Badge } from 'antd';
import { Link, useLocation } from 'react-router-dom';
import { api } from '../api';
import { useI18n } from '../i18n';
import { onTasksChanged } from './taskTypes';

export function MyDayNavLink() {
  const { t } = useI18n();
  const location = useLocation();
  const [count, setCount] = useState(0);
  const refresh = useCallback(() => {
    api
      .get<{ overdue: number; due_today: number }>('/tasks/reminders')
      .then((r) => setCount(r.overdue + r.due_today))
      .catch(() => undefined);
  }, []);
  useEffect(() => refresh(), [refresh, location.pathname]);
  useEffect(() => {
    const timer = window.setInterval(refresh, 60_000);
    const off = onTasksChanged(refresh);
    return () => {
      window.clearInterval(timer);
      off();
    };
  }, [refresh]);
  return (
    <Link to="/my-day">
      {t('nav.myDay')}
      {count > 0 && (
        <Badge count={count} size="small" offset={[4, -8]} title={t('nav.myDayBadge', { n: count })} data-testid="my-day-badge" />
      )}
    </Link>
  );
}
