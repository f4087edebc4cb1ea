// Readers for the run report (GET /analytics/runs/latest): each returns a section with
// every row the charts draw present (zero rows for classes, tiers and quadrants the run
// did not produce), in the contract's order.
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
  const rows: TierRow[] = report.tiers ?? [];
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return TIERS.map((key) => byKey.get(key) ?? { key, count: 0, profit: 0 });
}

/** The purchase model's fit diagnostics. */
export function purchaseDiagnostics(report: AnalyticsReport): FitDiagnostics {
  const clv = report.clv;
  if (!clv) return {};
  return {
    log_likelihood: clv.log_likelihood ?? null,
    converged: clv.converged ?? null,
    iterations: clv.iterations ?? null,
    gradient_norm: clv.gradient_norm ?? null,
  };
}

export function clusterProfiles(report: AnalyticsReport): ClusterProfile[] {
  return report.clusters?.profiles ?? [];
}

export function cohortRows(report: AnalyticsReport): CohortRow[] {
  return report.cohorts ?? [];
}

/** Customers per quadrant, in the contract's order. */
export function quadrantCounts(report: AnalyticsReport): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(QUADRANTS.map((q) => [q, 0]));
  for (const [k, v] of Object.entries(report.attack_defend?.counts ?? {})) out[k] = v;
  return out;
}
