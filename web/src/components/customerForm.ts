// Mapping between Customer records, antd form values and PATCH bodies.
import { fenToYuanInput, parseYuan } from '../money';
import type { CareDate, Customer, CustomerWritable } from '../types';

export interface CustomerFormValues {
  kind: string;
  name: string;
  industry?: string;
  size?: string;
  province?: string;
  city?: string;
  source?: string;
  owner_user_id?: number;
  relationship: string;
  relationship_level: string;
  lifecycle_stage: string;
  tags?: string[];
  care_dates?: Partial<CareDate>[];
  phone?: string;
  email?: string;
  notes?: string;
  external_id?: string;
  /** In 元 as typed; fen on the wire. */
  purchase_potential?: string;
}

export const WRITABLE_FIELDS: (keyof CustomerWritable)[] = [
  'kind',
  'name',
  'industry',
  'size',
  'province',
  'city',
  'source',
  'owner_user_id',
  'relationship',
  'relationship_level',
  'lifecycle_stage',
  'tags',
  'care_dates',
  'phone',
  'email',
  'notes',
  'external_id',
  'purchase_potential',
];

export const NEW_CUSTOMER_DEFAULTS: CustomerFormValues = {
  kind: 'organization',
  name: '',
  relationship: 'potential',
  relationship_level: 'basic',
  lifecycle_stage: 'exploration',
  tags: [],
  care_dates: [],
};

const orUndef = <T,>(v: T | null | '' | undefined): T | undefined => (v === null || v === '' || v === undefined ? undefined : v);

/** Writable values (a whole record or a partial PATCH body) → form values. */
export function toFormValues(c: Partial<CustomerWritable>): Partial<CustomerFormValues> {
  const v: Partial<CustomerFormValues> = {};
  for (const f of WRITABLE_FIELDS) {
    if (!(f in c)) continue;
    switch (f) {
      case 'size':
      case 'province':
      case 'source':
        v[f] = orUndef(c[f]);
        break;
      case 'owner_user_id':
        v.owner_user_id = orUndef(c.owner_user_id);
        break;
      case 'tags':
        v.tags = [...(c.tags ?? [])];
        break;
      case 'care_dates':
        v.care_dates = (c.care_dates ?? []).map((d) => ({ ...d }));
        break;
      case 'purchase_potential':
        v.purchase_potential = c.purchase_potential === null || c.purchase_potential === undefined ? undefined : fenToYuanInput(c.purchase_potential);
        break;
      default:
        (v as Record<string, unknown>)[f] = c[f] ?? '';
    }
  }
  return v;
}

/** Form values → the full writable record, with "" / null for unset values. */
export function fromFormValues(v: CustomerFormValues): CustomerWritable {
  const s = (x: string | undefined) => (x ?? '').trim();
  return {
    kind: v.kind,
    name: s(v.name),
    industry: s(v.industry),
    size: v.size ?? null,
    province: v.province ?? '',
    city: s(v.city),
    source: v.source ?? '',
    owner_user_id: v.owner_user_id ?? null,
    relationship: v.relationship,
    relationship_level: v.relationship_level,
    lifecycle_stage: v.lifecycle_stage,
    tags: (v.tags ?? []).map((t) => t.trim()).filter((t) => t !== ''),
    care_dates: (v.care_dates ?? []).map((d) => ({ kind: d.kind ?? 'other', label: s(d.label), date: s(d.date) })),
    phone: s(v.phone),
    email: s(v.email),
    notes: v.notes ?? '',
    external_id: s(v.external_id),
    // The form's validator has rejected anything parseYuan cannot read.
    purchase_potential: v.purchase_potential && v.purchase_potential.trim() ? parseYuan(v.purchase_potential) : null,
  };
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** The fields of `next` that differ from `base`: the PATCH body. */
export function diffCustomer(base: Customer, next: CustomerWritable): Partial<CustomerWritable> {
  const out: Partial<CustomerWritable> = {};
  for (const f of WRITABLE_FIELDS) {
    if (f === 'phone' && next.phone !== '' && base.phone !== '' && normalizePhoneForCompare(next.phone) === normalizePhoneForCompare(base.phone)) continue;
    if (!sameValue(base[f], next[f])) (out as Record<string, unknown>)[f] = next[f];
  }
  return out;
}

/** "+86 138-1234-5678" and "13812345678" are the same number for change detection. */
function normalizePhoneForCompare(p: string): string {
  const d = p.replace(/[^\d+]/g, '');
  if (d.startsWith('+86')) return d.slice(3);
  if (d.startsWith('0086')) return d.slice(4);
  return d;
}

/** A creation body: only the fields the user set (the server fills in defaults). */
export function createBody(v: CustomerFormValues, includeOwner: boolean): Partial<CustomerWritable> {
  const full = fromFormValues(v);
  const out: Partial<CustomerWritable> = {};
  for (const f of WRITABLE_FIELDS) {
    const val = full[f];
    if (val === '' || val === null || (Array.isArray(val) && val.length === 0)) continue;
    if (f === 'owner_user_id' && !includeOwner) continue;
    (out as Record<string, unknown>)[f] = val;
  }
  return out;
}
