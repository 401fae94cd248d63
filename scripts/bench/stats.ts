// Small statistics and timing helpers for the bench: median, quantile, mean, interleaved timed loops. No I/O.

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The value below which a fraction `q` of the values lie (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export interface Series {
  name: string;
  /** One timed operation (its own setup included), resolving when done. */
  op: () => Promise<unknown>;
  /** Milliseconds per operation, filled by `interleave`. */
  times: number[];
}

/**
 * Runs `warmup` untimed operations of every series, then `count` timed ones each, in chunks of
 * `chunk` that rotate between the series, so drift (GC, thermal, the server's growing state) hits
 * them alike. `between` (untimed) runs before every chunk, e.g. to empty the server's request log.
 */
export async function interleave(series: Series[], count: number, warmup: number, chunk = 100, between?: () => Promise<void>): Promise<void> {
  for (const s of series) for (let i = 0; i < warmup; i++) await s.op();
  for (let done = 0, round = 0; done < count; done += chunk, round++) {
    const n = Math.min(chunk, count - done);
    for (let k = 0; k < series.length; k++) {
      const s = series[(k + round) % series.length]!;
      await between?.();
      for (let i = 0; i < n; i++) {
        const started = performance.now();
        await s.op();
        s.times.push(performance.now() - started);
      }
    }
  }
}

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
