/**
 * The one formatter per unit, for the CLI, the extension and the inspector page alike (pure, browser-safe: no Node,
 * no DOM). Fixed locale, so output does not depend on the machine.
 */

/** [1, 96, 96, 1] -> "[1, 96, 96, 1]"; a rank-0 tensor is "scalar". */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : `[${shape.join(', ')}]`;
}

/** 1536 -> "1.50 KiB" (three significant digits); exact bytes below 1 KiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let v = bytes / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[u]}`;
}

/** An exact count (or byte count, in prose: "12,288 bytes"): 1234567 -> "1,234,567". */
export function formatCount(n: number): string {
  // By hand, as toLocaleString('en-US') would: its first call loads ICU's locale data, about 120 ms of a CLI run.
  if (!Number.isFinite(n)) return n !== n ? 'NaN' : n > 0 ? '∞' : '-∞';
  const rounded = Math.round(Math.abs(n) * 1000) / 1000;
  const [int, frac] = rounded.toFixed(3).replace(/\.?0+$/, '').split('.') as [string, string?];
  const grouped = int.replace(/\B(?=(\d{3})+$)/g, ',');
  return `${n < 0 && rounded !== 0 ? '-' : ''}${grouped}${frac ? `.${frac}` : ''}`;
}

/** A count at a glance, for one-line summaries: 999 -> "999", 1234 -> "1.2K", 3456789 -> "3.46M", then "G". */
export function formatCountCompact(n: number): string {
  if (n < 1e3) return String(n);
  if (n < 1e6) return `${(n / 1e3).toFixed(1)}K`;
  if (n < 1e9) return `${(n / 1e6).toFixed(2)}M`;
  return `${(n / 1e9).toFixed(2)}G`;
}

/** A real number for a table cell: 4 significant digits, exponent form when very small or large. */
export function formatReal(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a < 1e-3 || a >= 1e6 ? x.toExponential(3) : String(Number(x.toPrecision(4)));
}

/** An SQNR: 23.4 -> "23.4 dB"; no noise at all (Infinity) -> "exact"; no signal (-Infinity) -> "−∞ dB". */
export function formatDb(x: number): string {
  return x === Infinity ? 'exact' : x === -Infinity ? '−∞ dB' : `${x.toFixed(1)} dB`;
}

/**
 * A paired t statistic: 2 decimals; beyond ±100 (a gain every sample shares exactly, e.g. identical samples, gives a
 * near-zero spread and t of 10^16 or Infinity) "> 100" / "< -100": the sign is what it says then, not the size.
 */
export function formatT(t: number): string {
  return t >= 100 ? '> 100' : t <= -100 ? '< -100' : Number.isNaN(t) ? 'n/a' : t.toFixed(2);
}

/**
 * `part` of `whole` as a percentage: (0.9) -> "90.0%", (23, 80) -> "28.8%", (3, 10, 0) -> "30%". The product comes
 * first, (100 · part) / whole, so a ratio of integers is exact and its ties round as written.
 */
export function formatPercent(part: number, whole = 1, digits = 1): string {
  return `${((100 * part) / whole).toFixed(digits)}%`;
}

/** A duration in milliseconds, without the unit: 0.042 -> "0.042", 12.34 -> "12.3", 310.4 -> "310". */
export function formatMs(ms: number): string {
  return ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(1) : Math.round(ms).toString();
}

/**
 * An operator as every surface names it: `#index OPCODE`, 0-based like the inspector's Operators table
 * (4, 'CONV_2D') -> "#4 CONV_2D".
 */
export function formatOperatorRef(index: number, opcode?: string): string {
  return opcode ? `#${index} ${opcode}` : `#${index}`;
}

/** An exact byte count in prose, with its binary size beside it from 1 KiB on: 1296 -> "1,296 bytes (1.27 KiB)". */
export function formatBytesExact(bytes: number): string {
  return bytes < 1024 ? `${formatCount(bytes)} bytes` : `${formatCount(bytes)} bytes (${formatBytes(bytes)})`;
}

/** A clause of a report as a sentence of its own: its first letter capitalized ("even with …" -> "Even with …"). */
export function asSentence(clause: string): string {
  return clause.charAt(0).toUpperCase() + clause.slice(1);
}
