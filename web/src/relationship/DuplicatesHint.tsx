// On the customer page: a notice with a link to /duplicates?customer=ID when
// the customer has possible duplicates; nothing otherwise (or on failure:
// the hint is a convenience, the page works without it).
import { useEffect, useState } from 'react';
import { Alert } from 'antd';
import { Link } from 'react-router-dom';
import { api } from '../api';
import { useI18n } from '../i18n';

export function DuplicatesHint({ customerId }: { customerId: number }) {
  const { t } = useI18n();
  const [count, setCount] = useState(0);
  useEffect(() => {
    let live = true;
    api.get<{ items: unknown[] }>(`/customers/${customerId}/duplicates`)
      .then((r) => { if (live) setCount(r.items.length); })
      .catch(() => { if (live) setCount(0); });
    return () => { live = false; };
  }, [customerId]);
  if (count === 0) return null;
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 12 }}
      data-testid="duplicates-hint"
      message={<>
        {t('dedup.hint', { count })}{' '}
        <Link to={`/duplicates?customer=${customerId}`}>{t('dedup.hintLink')}</Link>
      </>}
    />
  );
}
