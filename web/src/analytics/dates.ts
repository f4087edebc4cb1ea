// Calendar days in Asia/Shanghai (UTC+8, no daylight saving), as YYYY-MM-DD.

/** Today + `days` in Asia/Shanghai. */
export function shanghaiDay(days = 0, now = Date.now()): string {
  return new Date(now + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}
