// Wire types of the Guanxi API (/api/v1). Times are ISO 8601 UTC strings.

export type Role = 'admin' | 'manager' | 'sales' | 'service' | 'analyst';

export interface SessionUser {
  id: number;
  login: string;
  display_name: string;
  role: Role;
  team_id: number | null;
}

export interface Session {
  user: SessionUser;
  csrf_token: string;
}

export interface CareDate {
  kind: string; // birthday | anniversary | other
  label: string;
  date: string; // MM-DD or YYYY-MM-DD
}

export interface Customer {
  id: number;
  version: number;
  kind: string;
  name: string;
  industry: string;
  size: string | null;
  province: string;
  city: string;
  source: string;
  owner_user_id: number | null;
  owner_name: string;
  relationship: string;
  relationship_level: string;
  lifecycle_stage: string;
  tags: string[];
  care_dates: CareDate[];
  phone: string;
  phone_region: string;
  email: string;
  notes: string;
  external_id: string;
  /** Estimated yearly wallet in fen (attack/defend); null when unknown. */
  purchase_potential?: number | null;
  archived: boolean;
  created_at: string;
  updated_at: string;
}

/** Fields a client may send on POST/PATCH /customers. */
export type CustomerWritable = Pick<
  Customer,
  | 'kind'
  | 'name'
  | 'industry'
  | 'size'
  | 'province'
  | 'city'
  | 'source'
  | 'owner_user_id'
  | 'relationship'
  | 'relationship_level'
  | 'lifecycle_stage'
  | 'tags'
  | 'care_dates'
  | 'phone'
  | 'email'
  | 'notes'
  | 'external_id'
  | 'purchase_potential'
>;

export interface Contact {
  id: number;
  version: number;
  customer_id: number;
  name: string;
  title: string;
  phone: string;
  email: string;
  wechat: string;
  personality: string | null;
  birthday: string;
  notes: string;
  created_at: string;
  updated_at: string;
}

export type ContactWritable = Pick<
  Contact,
  'name' | 'title' | 'phone' | 'email' | 'wechat' | 'personality' | 'birthday' | 'notes'
>;

export interface User {
  id: number;
  version: number;
  login: string;
  display_name: string;
  role: Role;
  team_id: number | null;
  team_name: string;
  disabled: boolean;
  created_at: string;
}

export interface Team {
  id: number;
  name: string;
  manager_user_id: number | null;
  created_at: string;
}

export interface ApiToken {
  id: number;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

export interface NewApiToken {
  id: number;
  name: string;
  token: string;
  created_at: string;
}

export interface AuditEntry {
  id: number;
  at: string;
  user_id: number | null;
  user_login: string;
  entity: string;
  entity_id: number;
  action: string;
  before: unknown;
  after: unknown;
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Meta {
  kinds: string[];
  relationships: string[];
  relationship_levels: string[];
  lifecycle_stages: string[];
  sizes: string[];
  sources: string[];
  roles: string[];
  personalities: string[];
  care_date_kinds: string[];
  provinces: string[];
}

export interface ProblemFieldError {
  field: string;
  message: string;
}

export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: ProblemFieldError[];
}
