// A searchable customer select backed by GET /customers?q=.
import { useEffect, useState } from 'react';
import { Select } from 'antd';
import { api, qs } from '../api';
import { useDebounced } from '../hooks';
import type { Customer, Page } from '../types';

export function CustomerPicker({
  value,
  onChange,
  id,
  initialLabel,
  ariaLabel,
}: {
  value?: number;
  onChange?: (v: number) => void;
  id?: string;
  initialLabel?: string;
  ariaLabel?: string;
}) {
  const [q, setQ] = useState('');
  const debounced = useDebounced(q, 250);
  const [options, setOptions] = useState<{ value: number; label: string }[]>(
    value !== undefined && initialLabel ? [{ value, label: initialLabel }] : [],
  );
  useEffect(() => {
    let stale = false;
    api
      .get<Page<Customer>>(`/customers${qs({ q: debounced, limit: 20 })}`)
      .then((p) => {
        if (!stale) setOptions(p.items.map((c) => ({ value: c.id, label: c.name })));
      })
      .catch(() => undefined);
    return () => {
      stale = true;
    };
  }, [debounced]);
  return (
    <Select
      id={id}
      aria-label={ariaLabel}
      showSearch
      filterOption={false}
      onSearch={setQ}
      value={value}
      onChange={onChange}
      options={options}
      data-testid="customer-picker"
    />
  );
}
