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
 * Runs `warmup` untimed operations of every series, then `count` timed ones each, one operation of
 * each series per round in an order that rotates every round, so drift (GC, the machine's own
 * slow and fast spells, the server's growing state) hits them alike: on a small VM the round trip
 * drifts between a fast and a slow mode within a few dozen operations, faster than chunks of 100
 * per series could even out. `between` (untimed) runs before every `every` rounds, e.g. to empty
 * the server's request log.
 */
export async function interleave(series: Series[], count: number, warmup: number, every = 100, between?: () => Promise<void>): Promise<void> {
  for (const s of series) for (let i = 0; i < warmup; i++) await s.op();
  for (let round = 0; round < count; round++) {
    if (round % every === 0) await between?.();
    for (let k = 0; k < series.length; k++) {
      const s = series[(k + round) % series.length]!;
      const started = performance.now();
      await s.op();
      s.times.push(performance.now() - started);
    }
  }
}

export const round = (value: number, digits = 2): number => Math.round(value * 10 ** digits) / 10 ** digits;
