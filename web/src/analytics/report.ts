// Readers for the run report (GET /analytics/runs/latest): each returns a section in
// one shape, so the charts need not know which of the contract's equivalent forms
// (a bare list or a list inside an object, flat or nested diagnostics) the server sent.
import type { AnalyticsReport, ClusterProfile, CohortRow, FitDiagnostics, RfmClassRow, TierRow } from '../analyticsTypes';
import { QUADRANTS, RFM_CLASSES, TIERS } from '../analyticsTypes';

/** The eight classes in the contract's order, with zero rows for absent ones. */
export function rfmClasses(report: AnalyticsReport): RfmClassRow[] {
  const rows = report.rfm?.classes ?? [];
  const byKey = new Map(rows.map((r) => [r.key, r]));
  const known: RfmClassRow[] = RFM_CLASSES.map((key) => byKey.get(key) ?? { key, count: 0, revenue: 0 });
  const extra = rows.filter((r) => !(RFM_CLASSES as readonly string[]).includes(r.key));
  return [...known, ...extra];
}

/** 5×5 counts: cell[r-1][f-1]. */
export function rfmHeatmap(report: AnalyticsReport): number[][] {
  const grid = Array.from({ length: 5 }, () => Array<number>(5).fill(0));
  for (const c of report.rfm?.heatmap ?? []) {
    if (c.r >= 1 && c.r <= 5 && c.f >= 1 && c.f <= 5) grid[c.r - 1][c.f - 1] += c.count;
  }
  return grid;
}

/** Tiers from the top of the pyramid (strategic) down, zero rows for absent ones. */
export function tierRows(report: AnalyticsReport): TierRow[] {
  const raw = report.tiers;
  const rows: TierRow[] = Array.isArray(raw) ? raw : (raw?.tiers ?? []);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return TIERS.map((key) => byKey.get(key) ?? { key, count: 0, profit: 0 });
}

/** The purchase model's fit diagnostics, flat or under `diagnostics`. */
export function purchaseDiagnostics(report: AnalyticsReport): FitDiagnostics {
  const clv = report.clv;
  if (!clv) return {};
  const d = clv.diagnostics ?? {};
  return {
    log_likelihood: clv.log_likelihood ?? d.log_likelihood ?? null,
    converged: clv.converged ?? d.converged ?? null,
    iterations: clv.iterations ?? d.iterations ?? null,
    gradient_norm: clv.gradient_norm ?? d.gradient_norm ?? null,
  };
}

export function clusterProfiles(report: AnalyticsReport): ClusterProfile[] {
  const c = report.clusters;
  return c?.profiles ?? c?.clusters ?? [];
}

export function cohortRows(report: AnalyticsReport): CohortRow[] {
  const raw = report.cohorts;
  return Array.isArray(raw) ? raw : (raw?.cohorts ?? []);
}

/** Customers per quadrant, in the contract's order. */
export function quadrantCounts(report: AnalyticsReport): Record<string, number> {
  const raw = report.attack_defend?.counts;
  const out: Record<string, number> = Object.fromEntries(QUADRANTS.map((q) => [q, 0]));
  if (Array.isArray(raw)) for (const r of raw) out[r.key] = r.count;
  else if (raw) for (const [k, v] of Object.entries(raw)) out[k] = v;
  return out;
}
