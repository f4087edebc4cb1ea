// Quarters ("2026Q4") and business days in Asia/Shanghai (UTC+8, no daylight saving).

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000;

/** Today in Asia/Shanghai as "YYYY-MM-DD". */
export function todayShanghai(now = Date.now()): string {
  return new Date(now + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

export function quarterOf(day: string): string {
  const [y, m] = day.split('-').map(Number);
  return `${y}Q${Math.floor((m - 1) / 3) + 1}`;
}

export function currentQuarter(): string {
  return quarterOf(todayShanghai());
}

/** The quarter `n` quarters after `q` (n may be negative). */
export function addQuarters(q: string, n: number): string {
  const y = Number(q.slice(0, 4));
  const idx = y * 4 + Number(q.slice(5)) - 1 + n;
  return `${Math.floor(idx / 4)}Q${(idx % 4) + 1}`;
}

/** Quarters around the current one, newest first: for quarter pickers. */
export function quarterChoices(before = 4, afterN = 2): string[] {
  const cur = currentQuarter();
  const out: string[] = [];
  for (let i = afterN; i >= -before; i--) out.push(addQuarters(cur, i));
  return out;
}
