// Money on the wire is integer fen; people read and type 元. Parsing works on the
// decimal string (no floating point touches an amount).

/** Largest amount the server accepts: 1e12 fen (100 亿元). */
export const MAX_FEN = 1_000_000_000_000;

/** "1,234.5" → 123450; null when not a non-negative amount with at most 2 decimals. */
export function parseYuan(input: string): number | null {
  const s = input.trim().replace(/[,，\s]/g, '').replace(/^[¥￥]/, '');
  const m = /^(\d+)(?:\.(\d{0,2}))?$/.exec(s);
  if (!m) return null;
  const whole = m[1].replace(/^0+(?=\d)/, '');
  if (whole.length > 13) return null;
  const fen = Number(whole) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
  return fen <= MAX_FEN ? fen : null;
}

/** 123450 → "1234.50" (for an input box). */
export function fenToYuanInput(fen: number): string {
  const abs = Math.abs(fen);
  return `${fen < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 123450 → "¥1,234.50". */
export function formatFen(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—';
  const abs = Math.abs(Math.round(fen));
  const yuan = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}¥${yuan}.${String(abs % 100).padStart(2, '0')}`;
}

/** A 0..1 ratio as a percentage ("37.5%"); "—" for null. */
export function formatRate(r: number | null | undefined, digits = 1): string {
  if (r === null || r === undefined) return '—';
  return `${(r * 100).toFixed(digits).replace(/\.0+$/, '')}%`;
}

/** Form rule validator for an amount in 元 (optionally required, optionally > 0). */
export function yuanValidator(message: string, opts: { positive?: boolean } = {}) {
  return (_: unknown, value: string | undefined) => {
    if (value === undefined || value === '') return Promise.resolve();
    const fen = parseYuan(value);
    if (fen === null || (opts.positive && fen <= 0)) return Promise.reject(new Error(message));
    return Promise.resolve();
  };
}
