// Owner, team and quarter pickers shared by the pipeline board and the dashboard.
import { Select, Space } from 'antd';
import { FilterSelect } from '../components/FilterSelect';
import { canChooseOwner, useUser } from '../auth';
import { useRefData } from '../data';
import { useI18n } from '../i18n';
import { quarterChoices } from '../quarter';
import type { SalesFilters } from './useSalesFilters';
import { useTeams } from './useSalesFilters';

export function SalesFilterBar({ filters, set }: { filters: SalesFilters; set: (p: Partial<SalesFilters>) => void }) {
  const { t } = useI18n();
  const user = useUser();
  const { users } = useRefData();
  const teams = useTeams();
  const wide = canChooseOwner(user.role) || user.role === 'analyst' || user.role === 'service';
  return (
    <Space wrap className="gx-filters" style={{ marginBottom: 16 }}>
      {wide && (
        <FilterSelect
          label={t('sales.filterOwner')}
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 160 }}
          value={filters.owner || undefined}
          onChange={(v?: string) => set({ owner: v ?? '' })}
          options={users.map((u) => ({ value: u.login, label: u.display_name || u.login }))}
        />
      )}
      {wide && teams.length > 0 && (
        <FilterSelect
          label={t('sales.filterTeam')}
          allowClear
          style={{ minWidth: 140 }}
          value={filters.team || undefined}
          onChange={(v?: string) => set({ team: v ?? '' })}
          options={teams.map((tm) => ({ value: String(tm.id), label: tm.name }))}
        />
      )}
      <Select
        aria-label={t('sales.quarter')}
        style={{ minWidth: 120 }}
        value={filters.quarter}
        onChange={(v: string) => set({ quarter: v })}
        options={quarterChoices().map((q) => ({ value: q, label: q }))}
        data-testid="quarter-picker"
      />
    </Space>
  );
}
