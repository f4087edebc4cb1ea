// Turning API failures into messages people can act on, and problem+json field
// errors into antd form field errors.
import type { FormInstance } from 'antd';
import { ApiError } from './api';
import type { MessageKey, Vars } from './i18n';
import type { ProblemFieldError } from './types';

type T = (key: MessageKey, vars?: Vars) => string;

/** A one-line message: our translated summary, then the server's detail if any. */
export function errorMessage(t: T, err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  const detail = err.problem.detail || '';
  let summary: string;
  switch (err.status) {
    case 0:
      return t('error.network');
    case 401:
      summary = t('error.sessionExpired');
      break;
    case 403:
      summary = t('error.forbidden');
      break;
    case 404:
      summary = t('error.notFound');
      break;
    case 409:
      summary = err.problem.errors?.length ? t('error.duplicate') : t('form.conflictTitle');
      break;
    case 413:
      summary = t('error.tooLarge');
      break;
    case 422:
      summary = t('error.invalid');
      break;
    case 428:
      summary = t('error.preconditionRequired');
      break;
    case 429:
      summary = t('error.rateLimited');
      break;
    default:
      summary = t('error.generic', { status: err.status });
  }
  return detail && detail !== summary ? `${summary}${t('common.colon')}${detail}` : summary;
}

/** "care_dates/0/date" → ["care_dates", 0, "date"] (JSON-pointer-ish names of the API). */
export function fieldPath(field: string): (string | number)[] {
  return field
    .replace(/^\//, '')
    .split(/[/.]/)
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function samePath(a: (string | number)[], b: (string | number)[]): boolean {
  return a.length === b.length && a.every((v, i) => String(v) === String(b[i]));
}

/**
 * Puts each server field error on the form field it names (or the nearest registered
 * ancestor, e.g. "tags/1" → the tags select). Returns the errors no field could show.
 */
export function applyFieldErrors(form: FormInstance, errors: ProblemFieldError[] | undefined): ProblemFieldError[] {
  if (!errors || errors.length === 0) return [];
  const registered = form.getFieldsError().map((f) => f.name as (string | number)[]);
  const byField = new Map<string, { name: (string | number)[]; errors: string[] }>();
  const unmatched: ProblemFieldError[] = [];
  for (const e of errors) {
    let path = fieldPath(e.field);
    let target: (string | number)[] | undefined;
    while (path.length > 0) {
      const found = registered.find((r) => samePath(r, path));
      if (found) {
        target = found;
        break;
      }
      path = path.slice(0, -1);
    }
    if (!target) {
      unmatched.push(e);
      continue;
    }
    const key = JSON.stringify(target);
    const entry = byField.get(key) ?? { name: target, errors: [] };
    entry.errors.push(e.message);
    byField.set(key, entry);
  }
  form.setFields([...byField.values()]);
  const first = byField.values().next();
  if (!first.done) form.scrollToField(first.value.name, { block: 'center' });
  return unmatched;
}

/** Care and birthday dates: "MM-DD" or "YYYY-MM-DD", a real calendar day. */
export function isValidCareDate(s: string): boolean {
  const m = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const year = m[1] ? Number(m[1]) : 2000; // a leap year, so 02-29 is a valid yearly date
  if (year < 1900 || year > 2100) return false;
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= days;
}

/** A loose check; the server (libphonenumber) has the final word. */
export function looksLikePhone(s: string): boolean {
  if (!/^[+\d\s\-()（）.]+$/.test(s)) return false;
  const digits = s.replace(/\D/g, '');
  return digits.length >= 5 && digits.length <= 20;
}

export function looksLikeEmail(s: string): boolean {
  return s.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s);
}

/** Number of Unicode code points (what the server counts as characters). */
export function charCount(s: string): number {
  return [...s].length;
}
