// Wire types of the sales API (docs/sales-api.md). Money is integer fen, days are
// "YYYY-MM-DD", instants ISO 8601 UTC, win rates 0..1, quarters "2026Q4".

export type StageKind = 'open' | 'won' | 'lost';

export interface Stage {
  key: string;
  name: string;
  name_zh: string;
  name_en: string;
  win_rate: number;
  kind: StageKind;
  position: number;
}

export interface ManInfo {
  code: string;
  action: string;
  advice_zh: string;
  advice_en: string;
}

export interface Opportunity {
  id: number;
  version: number;
  customer_id: number;
  customer_name: string;
  contact_id: number | null;
  title: string;
  amount: number;
  owner_user_id: number | null;
  owner_name: string;
  expected_close: string;
  stage: string;
  stage_name: string;
  win_rate: number;
  status: 'open' | 'won' | 'lost';
  weighted_amount: number;
  days_in_stage: number;
  closed_on: string | null;
  money: boolean;
  authority: boolean;
  need: boolean;
  competitor: string;
  loss_reason: string;
  next_step: string;
  notes: string;
  man: ManInfo;
  created_at: string;
  updated_at: string;
}

export interface OpportunityEvent {
  id: number;
  at: string;
  user_login: string;
  kind: string;
  from_stage: string;
  to_stage: string;
  amount: number;
  expected_close: string;
}

export interface BoardStage {
  key: string;
  name: string;
  win_rate: number;
  count: number;
  amount: number;
  items: Opportunity[];
}

export interface Board {
  stages: BoardStage[];
}

export interface Forecast {
  quarter: string;
  closed: number;
  open_weighted: number;
  out_of_funnel: number;
  forecast: number;
  target: number | null;
  coverage: number | null;
  progress: number | null;
  cumulative_sales: number;
  week_start: string;
  last_week: { forecast: number; cumulative_sales: number };
  by_stage: { key: string; name: string; win_rate: number; count: number; amount: number; weighted: number }[];
}

export interface FunnelStage {
  key: string;
  name: string;
  count: number;
  amount: number;
  conversion_rate: number | null;
  avg_days: number | null;
}

export interface LeaderboardRow {
  user_id: number;
  login: string;
  display_name: string;
  team_id: number | null;
  closed: number;
  forecast: number;
  activity: number;
  target: number | null;
  coverage: number | null;
}

export interface TeamRow {
  team_id: number;
  team_name: string;
  closed: number;
  open_weighted: number;
  out_of_funnel: number;
  forecast: number;
  target: number | null;
  coverage: number | null;
  progress: number | null;
}

export interface Accuracy {
  quarter: string;
  actual: number;
  learned_window: { from: string; to: string };
  weeks: { week_start: string; forecast_configured: number; forecast_learned: number; closed_so_far: number }[];
  mean_abs_error_configured: number | null;
  mean_abs_error_learned: number | null;
}

export interface LearnedRates {
  from: string;
  to: string;
  items: { key: string; name: string; configured_rate: number; learned_rate: number | null; passed: number; won: number }[];
}

export type TargetScope = 'user' | 'team' | 'company';

export interface Target {
  id: number;
  quarter: string;
  scope: TargetScope;
  subject_id: number | null;
  subject_name: string;
  amount: number;
}

export interface PlaybookEntry {
  id: number;
  stage: string;
  situation: string;
  kind: 'objection' | 'ffab' | 'tip';
  locale: string;
  title: string;
  body: string;
  position: number;
}

export interface BuyingCentreMember {
  id: number;
  contact_id: number;
  contact_name: string;
  contact_title: string;
  role: string;
  attitude: string;
  influence: number;
  reports_to: number | null;
  note: string;
}

export interface Instalment {
  id: number;
  due_on: string;
  amount: number;
  note: string;
  paid: number;
  status: 'paid' | 'partly_paid' | 'due' | 'overdue';
  days_overdue: number;
}

export interface Receipt {
  id: number;
  received_on: string;
  amount: number;
  method: string;
  note: string;
}

export interface PaymentPlan {
  total_planned: number;
  received: number;
  outstanding: number;
  overdue: number;
  instalments: Instalment[];
  receipts: Receipt[];
}

export interface Product {
  id: number;
  version: number;
  code: string;
  name: string;
  category: string;
  list_price: number;
  active: boolean;
}

export interface OrderLine {
  product_id: number | null;
  description: string;
  quantity: number;
  unit_price: number;
  discount: number;
}

export interface Order {
  id: number;
  version: number;
  external_id: string;
  customer_id: number;
  customer_name: string;
  owner_user_id: number | null;
  owner_name: string;
  opportunity_id: number | null;
  ordered_at: string;
  channel: string;
  status: string;
  total: number;
  note: string;
  lines?: OrderLine[];
}

export interface ImportReport {
  inserted: number;
  already_present: number;
  rejected: { line: number; field: string; message: string }[];
}

export interface ReceivableAccount {
  opportunity_id?: number;
  order_id?: number;
  customer_id: number;
  customer_name: string;
  title: string;
  owner_name: string;
  planned: number;
  received: number;
  outstanding: number;
  overdue: number;
  oldest_overdue_days: number;
}

export interface AgeingRow {
  owner_user_id: number | null;
  owner_name: string;
  current: number;
  d1_30: number;
  d31_60: number;
  d61_90: number;
  d90_plus: number;
  total: number;
}

export interface Receivables {
  as_of: string;
  accounts: ReceivableAccount[];
  ageing: AgeingRow[];
}

export interface SalesSettings {
  out_of_funnel_threshold: number;
}
