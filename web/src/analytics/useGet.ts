// GETs a path whenever it (or `reload`) changes: { data, error, status }.
import { useEffect, useState } from 'react';
import { ApiError, api } from '../api';
import { errorMessage } from '../errors';
import { useI18n } from '../i18n';

export interface GetState<T> {
  data: T | null;
  error: string | null;
  /** HTTP status of a failed request (404 before the first analytics run). */
  status: number | null;
  loading: boolean;
}

export function useGet<T>(path: string | null, reload = 0): GetState<T> {
  const { t } = useI18n();
  const [state, setState] = useState<GetState<T>>({ data: null, error: null, status: null, loading: !!path });
  useEffect(() => {
    if (!path) return;
    let stale = false;
    setState((s) => ({ ...s, loading: true }));
    api
      .get<T>(path)
      .then((data) => !stale && setState({ data, error: null, status: null, loading: false }))
      .catch((e) => {
        if (stale) return;
        setState({ data: null, error: errorMessage(t, e), status: e instanceof ApiError ? e.status : null, loading: false });
      });
    return () => {
      stale = true;
    };
  }, [path, reload, t]);
  return state;
}
