// The browser session: restored at start-up from GET /session, created by the
// login form, ended by logout or by any 401 from the API.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, setCsrfToken, setUnauthorizedHandler } from './api';
import type { Role, Session, SessionUser } from './types';

export interface Auth {
  /** undefined while the start-up probe runs, null when logged out. */
  user: SessionUser | null | undefined;
  expired: boolean;
  login: (login: string, password: string) => Promise<void>;
  logout: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const [expired, setExpired] = useState(false);

  useEffect(() => {
    let cancelled = false;
    api
      .get<Session>('/session', { quiet401: true })
      .then((s) => {
        if (cancelled) return;
        setCsrfToken(s.csrf_token);
        setUser(s.user);
      })
      .catch(() => {
        if (!cancelled) setUser(null);
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setCsrfToken('');
      setUser((u) => {
        if (u) setExpired(true);
        return null;
      });
    });
    return () => setUnauthorizedHandler(null);
  }, []);

  const login = useCallback(async (loginName: string, password: string) => {
    const s = await api.post<Session>('/session', { login: loginName, password }, { quiet401: true });
    setCsrfToken(s.csrf_token);
    setExpired(false);
    setUser(s.user);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.del('/session', { quiet401: true });
    } finally {
      setCsrfToken('');
      setExpired(false);
      setUser(null);
    }
  }, []);

  const value = useMemo<Auth>(() => ({ user, expired, login, logout }), [user, expired, login, logout]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The logged-in user (only inside the authenticated part of the app). */
export function useUser(): SessionUser {
  const { user } = useAuth();
  if (!user) throw new Error('useUser without a session');
  return user;
}

export const canWriteCustomers = (role: Role) => role === 'admin' || role === 'manager' || role === 'sales';
export const canDeleteCustomers = (role: Role) => role === 'admin';
export const canChooseOwner = (role: Role) => role === 'admin' || role === 'manager';
