// Reference data every page needs once logged in: the vocabularies (GET /meta)
// and the user list for owner pickers (GET /users).
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, getAll } from './api';
import type { Meta, User } from './types';

/** Used until /meta answers (and if it fails): the vocabularies the server ships with. */
export const FALLBACK_META: Meta = {
  kinds: ['organization', 'individual'],
  relationships: ['non', 'potential', 'target', 'current', 'lost'],
  relationship_levels: ['basic', 'passive', 'responsible', 'proactive', 'partner'],
  lifecycle_stages: ['exploration', 'formation', 'stability', 'decline', 'lost'],
  sizes: ['micro', 'small', 'medium', 'large', 'enterprise'],
  sources: ['advertising', 'self_developed', 'referral', 'exhibition', 'online', 'canvassing', 'directory', 'other'],
  roles: ['admin', 'manager', 'sales', 'service', 'analyst'],
  personalities: ['analytical', 'organized', 'relational', 'visionary'],
  care_date_kinds: ['birthday', 'anniversary', 'other'],
  provinces: [
    '北京', '天津', '河北', '山西', '内蒙古', '辽宁', '吉林', '黑龙江', '上海', '江苏', '浙江', '安徽',
    '福建', '江西', '山东', '河南', '湖北', '湖南', '广东', '广西', '海南', '重庆', '四川', '贵州',
    '云南', '西藏', '陕西', '甘肃', '青海', '宁夏', '新疆', '台湾', '香港', '澳门',
  ],
};

export interface RefData {
  meta: Meta;
  users: User[];
  userName: (id: number | null | undefined) => string;
  reloadUsers: () => Promise<void>;
}

const RefDataContext = createContext<RefData | null>(null);

export function RefDataProvider({ children }: { children: ReactNode }) {
  const [meta, setMeta] = useState<Meta>(FALLBACK_META);
  const [users, setUsers] = useState<User[]>([]);

  const reloadUsers = useCallback(async () => {
    try {
      setUsers(await getAll<User>('/users'));
    } catch {
      /* pickers stay empty; pages show their own errors */
    }
  }, []);

  useEffect(() => {
    api
      .get<Meta>('/meta')
      .then((m) => setMeta({ ...FALLBACK_META, ...m }))
      .catch(() => undefined);
    void reloadUsers();
  }, [reloadUsers]);

  const value = useMemo<RefData>(() => {
    const byId = new Map(users.map((u) => [u.id, u]));
    return {
      meta,
      users,
      reloadUsers,
      userName: (id) => {
        if (id === null || id === undefined) return '';
        const u = byId.get(id);
        return u ? u.display_name || u.login : `#${id}`;
      },
    };
  }, [meta, users, reloadUsers]);

  return <RefDataContext.Provider value={value}>{children}</RefDataContext.Provider>;
}

export function useRefData(): RefData {
  const ctx = useContext(RefDataContext);
  if (!ctx) throw new Error('useRefData outside RefDataProvider');
  return ctx;
}
