// The navigation's receivables entry with a badge of my overdue accounts
// (GET /receivables?owner=me&overdue=true), refreshed when the route changes.
import { useEffect, useState } from 'react';
import { Badge } from 'antd';
import { Link, useLocation } from 'react-router-dom';
import { api, qs } from '../api';
import { useUser } from '../auth';
import { useI18n } from '../i18n';
import type { Receivables } from '../salesTypes';

export function ReceivablesNavLink() {
  const { t } = useI18n();
  const user = useUser();
  const location = useLocation();
  const [count, setCount] = useState(0);
  useEffect(() => {
    let stale = false;
    api
      .get<Receivables>(`/receivables${qs({ owner: user.login, overdue: 'true' })}`)
      .then((r) => !stale && setCount(r.accounts.filter((a) => a.overdue > 0).length))
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [user.login, location.pathname]);
  return (
    <Link to="/receivables">
      {t('nav.receivables')}
      {count > 0 && (
        <Badge count={count} size="small" offset={[4, -8]} title={t('nav.overdueBadge', { n: count })} data-testid="overdue-badge" />
      )}
    </Link>
  );
}
