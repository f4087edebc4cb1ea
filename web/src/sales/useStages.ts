// The configured stages (GET /stages), loaded once per page, with localized names.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import type { Stage } from '../salesTypes';

export interface Stages {
  all: Stage[];
  open: Stage[];
  byKey: Map<string, Stage>;
  /** The stage's name in the UI language (the key when unknown). */
  name: (key: string | null | undefined) => string;
  reload: () => Promise<void>;
  error: unknown;
}

export function useStages(): Stages {
  const { lang } = useI18n();
  const [all, setAll] = useState<Stage[]>([]);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    try {
      setAll(await api.get<Stage[]>('/stages'));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return useMemo(() => {
    const byKey = new Map(all.map((s) => [s.key, s]));
    return {
      all,
      open: all.filter((s) => s.kind === 'open'),
      byKey,
      name: (key) => {
        if (!key) return '';
        const s = byKey.get(key);
        if (!s) return key;
        return (lang === 'en' ? s.name_en : s.name_zh) || s.name;
      },
      reload,
      error,
    };
  }, [all, lang, reload, error]);
}
