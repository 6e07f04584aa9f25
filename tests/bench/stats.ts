/** Percentiles and the "median (min–max)" figures the benchmark prints. */

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const median = (values: number[]) => percentile(values, 50);

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** "3" when every repetition agrees, else "3 (2–5)". */
export function formatSpread({ median: m, min, max }: Spread, digits = 0): string {
  const f = (v: number) => v.toFixed(digits);
  return min === max ? f(m) : `${f(m)} (${f(min)}–${f(max)})`;
}
