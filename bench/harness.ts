/** Tiny benchmark helpers: warm-up, then the median of repeated timings, in one process with its anchors. */
export function timeMedian(fn: () => unknown, opts: { warmup?: number; runs?: number } = {}): number {
  const warmup = opts.warmup ?? 3;
  const runs = opts.runs ?? 15;
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

export const hasGc = (): boolean => typeof (globalThis as { gc?: unknown }).gc === 'function';

export function ms(x: number): string {
  return `${x.toFixed(2)} ms`;
}

export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** A result line: name, value, the anchor it is compared with, and the ratio against the target. */
export function report(name: string, value: string, detail: string): void {
  console.log(`${name.padEnd(44)} ${value.padStart(12)}   ${detail}`);
}
