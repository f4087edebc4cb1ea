// A small client for /api/v1: JSON in and out, the CSRF header on unsafe methods,
// problem+json errors surfaced as ApiError, and a hook for "session expired".
import type { Problem } from './types';

export const API = '/api/v1';

let csrfToken = '';
let onUnauthorized: (() => void) | null = null;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** Called when a request other than the session probe answers 401. */
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn;
}

export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem;

  constructor(status: number, problem: Problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

/** A 409 about a stale version (not a duplicate value, which names its field). */
export function isVersionConflict(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 409 && !(e.problem.errors && e.problem.errors.length > 0);
}

export interface ApiResponse<T> {
  data: T;
  status: number;
  etag: string | null;
}

export interface RequestOptions {
  body?: unknown;
  /** A non-JSON body (e.g. text/csv), sent as is. */
  text?: { body: string; contentType: string };
  headers?: Record<string, string>;
  /** Do not call the unauthorized handler on 401 (login, session probe). */
  quiet401?: boolean;
  signal?: AbortSignal;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...opts.headers };
  let body: string | undefined;
  if (opts.text !== undefined) {
    headers['content-type'] = opts.text.contentType;
    body = opts.text.body;
  } else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  if (UNSAFE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(API + path, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError(0, { title: 'network', detail: '' });
  }
  const text = await res.text();
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
  }
  if (!res.ok) {
    const problem: Problem =
      json && typeof json === 'object' ? (json as Problem) : { status: res.status, title: res.statusText, detail: text.slice(0, 200) };
    if (res.status === 401 && !opts.quiet401 && onUnauthorized) onUnauthorized();
    throw new ApiError(res.status, problem);
  }
  return { data: json as T, status: res.status, etag: res.headers.get('etag') };
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, opts).then((r) => r.data),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, { ...opts, body }).then((r) => r.data),
  put: <T>(path: string, body: unknown, opts?: RequestOptions) => request<T>('PUT', path, { ...opts, body }).then((r) => r.data),
  patch: <T>(path: string, body: unknown, version: number, opts?: RequestOptions) =>
    request<T>('PATCH', path, { ...opts, body, headers: { ...opts?.headers, 'if-match': `"${version}"` } }).then((r) => r.data),
  del: (path: string, opts?: RequestOptions) => request<null>('DELETE', path, opts).then(() => undefined),
};

/** Builds a query string from the defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | null | undefined>): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** Fetches every page of a keyset-paginated list (for small lists: users, teams). */
export async function getAll<T>(path: string): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const sep: string = path.includes('?') ? '&' : '?';
    const url: string = after ? `${path}${sep}after=${encodeURIComponent(after)}` : path;
    const page: { items: T[]; next?: string | null } = await api.get(url);
    items.push(...page.items);
    after = page.next ?? null;
    if (!after) break;
  }
  return items;
}
