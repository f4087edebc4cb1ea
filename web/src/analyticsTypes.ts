// Wire types of the customer-value analytics API (docs/analytics-api.md, "HTTP API").
// Money is integer fen; probabilities are 0..1; days are YYYY-MM-DD (Asia/Shanghai).

export const RFM_CLASSES = [
  'important_value',
  'important_development',
  'important_retention',
  'important_win_back',
  'general_value',
  'general_development',
  'general_retention',
  'general_win_back',
] as const;
export type RfmClassKey = (typeof RFM_CLASSES)[number];

/** Highest value first: the order a pyramid is drawn from the top. */
export const TIERS = ['strategic', 'important', 'general', 'potential'] as const;
export type TierKey = (typeof TIERS)[number];

export const QUADRANTS = ['acquire', 'retain', 'maintain', 'abandon'] as const;
export type QuadrantKey = (typeof QUADRANTS)[number];

export const CHURN_REASONS = ['low_p_alive', 'long_gap'] as const;

export interface RfmClassRow {
  key: string;
  name_zh?: string;
  name_en?: string;
  count: number;
  revenue?: number;
}

export interface RfmCellCount {
  r: number;
  f: number;
  count: number;
}

export interface RfmReport {
  classes: RfmClassRow[];
  heatmap: RfmCellCount[];
  mean_scores?: { r: number; f: number; m: number };
  scored?: number;
}

export interface TierRow {
  key: string;
  count: number;
  profit: number;
}

export interface FitDiagnostics {
  log_likelihood?: number | null;
  converged?: boolean | null;
  iterations?: number | null;
  gradient_norm?: number | null;
}

export interface SpendFit extends FitDiagnostics {
  model?: string;
  customers?: number;
  params?: Record<string, number>;
}

export interface HistogramBin {
  from: number;
  to: number;
  count: number;
}

export interface ClvReport extends FitDiagnostics {
  model?: string;
  time_unit?: string;
  horizon?: number;
  customers?: number;
  excluded?: number;
  params?: Record<string, number>;
  spend?: SpendFit | null;
  customer_equity?: number | null;
  histogram?: HistogramBin[];
}

export interface ClusterProfile {
  cluster: number;
  size: number;
  share: number;
  mean: Record<string, number>;
  median: Record<string, number>;
}

export interface KChoiceRow {
  k: number;
  wcss: number;
  silhouette: number;
}

export interface ClusterReport {
  k: number;
  features: string[];
  stability?: number | null;
  wcss?: number;
  profiles?: ClusterProfile[];
  choose_k?: KChoiceRow[];
}

export interface AttackDefendReport {
  counts: Record<string, number>;
  potential_threshold?: number | null;
  share_threshold?: number | null;
}

export interface CohortRow {
  cohort: string;
  size: number;
  retention: (number | null)[];
}

export interface AnalyticsReport {
  summary?: { customers: number; buyers: number; revenue: number; orders: number };
  rfm?: RfmReport;
  tiers?: TierRow[];
  clv?: ClvReport | null;
  clusters?: ClusterReport | null;
  attack_defend?: AttackDefendReport | null;
  cohorts?: CohortRow[];
  kpi?: unknown;
  basket?: unknown;
}

export interface AnalyticsRun {
  id: number;
  started_at: string;
  finished_at: string | null;
  trigger: string;
  as_of: string;
  report: AnalyticsReport;
}

export interface ChurnItem {
  customer_id: number;
  customer_name: string;
  /** The owner's login. */
  owner: string | null;
  owner_name?: string;
  reasons: string[];
  p_alive: number | null;
  gap_days: number | null;
  usual_interval_days: number | null;
  value_at_risk: number;
  clv: number | null;
  rfm_class: string | null;
  open_task_id: number | null;
}

export interface TopClvItem {
  customer_id: number;
  customer_name: string;
  clv: number;
  p_alive: number | null;
  expected_purchases: number | null;
  tier: string | null;
  rfm_class: string | null;
}

export interface AttackDefendItem {
  customer_id: number;
  customer_name: string;
  potential: number;
  revenue: number;
  share: number;
  quadrant: string | null;
}

export interface AttackDefendList {
  potential_threshold: number | null;
  share_threshold: number;
  items: AttackDefendItem[];
}

/** GET /customers/{id}/metrics: the customer's customer_metric row. */
export interface CustomerMetric {
  customer_id: number;
  run_id: number;
  computed_at: string;
  as_of: string;
  recency_days: number | null;
  frequency: number | null;
  monetary: number | null;
  r_score: number | null;
  f_score: number | null;
  m_score: number | null;
  rfm_cell: string | null;
  rfm_class: string | null;
  tier: string | null;
  cluster: number | null;
  p_alive: number | null;
  expected_purchases: number | null;
  expected_spend: number | null;
  clv: number | null;
  churn_risk: number | boolean | null;
  value_at_risk: number | null;
  attack_defend: string | null;
  wallet_share: number | null;
  /** The basket rules' products for the customer, best first (at most 3). */
  recommendations?: Recommendation[] | null;
}

/** A product the basket rules suggest: score is the best rule's confidence (0..1). */
export interface Recommendation {
  code: string;
  name: string;
  score: number;
  lift: number;
}

/** The `metrics` summary carried by customer list items after a run. */
export interface CustomerListMetrics {
  rfm_class: string | null;
  tier: string | null;
  clv: number | null;
  p_alive: number | null;
  churn_risk: number | boolean | null;
}

export interface Task {
  id: number;
  version?: number;
  customer_id: number;
  assignee_user_id: number | null;
  title: string;
  due_day: string;
  status: 'open' | 'done' | string;
  origin: string;
  created_at?: string;
}
