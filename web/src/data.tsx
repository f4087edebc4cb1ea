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
    '北京市', '天津市', '河北省', '山西省', '内蒙古自治区', '辽宁省', '吉林省', '黑龙江省', '上海市', '江苏省',
    '浙江省', '安徽省', '福建省', '江西省', '山东省', '河南省', '湖北省', '湖南省', '广东省', '广西壮族自治区',
    '海南省', '重庆市', '四川省', '贵州省', '云南省', '西藏自治区', '陕西省', '甘肃省', '青海省', '宁夏回族自治区',
    '新疆维吾尔自治区', '香港特别行政区', '澳门特别行政区', '台湾省',
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
