// Translated names of the analytics keys (RFM classes, tiers, quadrants, churn
// reasons, k-means features); an unknown key is shown as sent.
import type { I18n, MessageKey } from '../i18n';

type T = I18n['t'];

function lookup(t: T, prefix: string, key: string | null | undefined): string {
  if (key === null || key === undefined || key === '') return t('common.none');
  const k = `${prefix}.${key}` as MessageKey;
  const s = t(k);
  return s === k ? key : s;
}

export const classLabel = (t: T, key: string | null | undefined) => lookup(t, 'ana.class', key);
export const tierLabel = (t: T, key: string | null | undefined) => lookup(t, 'ana.tier', key);
export const quadrantLabel = (t: T, key: string | null | undefined) => lookup(t, 'ana.quadrant', key);
export const reasonLabel = (t: T, key: string | null | undefined) => lookup(t, 'ana.reason', key);
export const featureLabel = (t: T, key: string | null | undefined) => lookup(t, 'ana.feature', key);

/** A probability as a percentage with one decimal ("—" when unknown). */
export function formatProb(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '—';
  return `${(p * 100).toFixed(1)}%`;
}

/** A model quantity with a few significant digits. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—';
  if (Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3)) return v.toExponential(3);
  return Number(v.toFixed(digits)).toString();
}
