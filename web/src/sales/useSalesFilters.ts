// Owner / team / quarter filters kept in the URL (?owner=LOGIN&team=ID&quarter=2026Q4)
// so that a filtered board or dashboard can be bookmarked and reloaded.
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { getAll } from '../api';
import { currentQuarter } from '../quarter';
import type { Team } from '../types';

export interface SalesFilters {
  owner: string;
  team: string;
  quarter: string;
}

export function useSalesFilters(): [SalesFilters, (patch: Partial<SalesFilters>) => void] {
  const [sp, setSp] = useSearchParams();
  const filters: SalesFilters = {
    owner: sp.get('owner') ?? '',
    team: sp.get('team') ?? '',
    quarter: sp.get('quarter') || currentQuarter(),
  };
  const set = useCallback(
    (patch: Partial<SalesFilters>) => {
      setSp(
        (prev) => {
          const next = new URLSearchParams(prev);
          // owner and team are alternatives: choosing one clears the other
          if (patch.owner) next.delete('team');
          if (patch.team) next.delete('owner');
          for (const [k, v] of Object.entries(patch)) {
            if (v) next.set(k, v);
            else next.delete(k);
          }
          return next;
        },
        { replace: true },
      );
    },
    [setSp],
  );
  return [filters, set];
}

/** The teams (for team pickers); empty when the caller may not list them. */
export function useTeams(): Team[] {
  const [teams, setTeams] = useState<Team[]>([]);
  useEffect(() => {
    getAll<Team>('/teams')
      .then(setTeams)
      .catch(() => undefined);
  }, []);
  return teams;
}
