/**
 * Turns the runs into one table per scenario, each figure the median over the repetitions
 * with min–max, and each goal printed beside the result (goals are never asserted: timings on
 * a shared machine are evidence, not a pass/fail).
 */
import type { RunResult } from './scenarios';
import { formatSpread, median, spread } from './stats';

export type Runs = Map<string, RunResult[]>;

const of = (runs: RunResult[], pick: (r: RunResult) => number) => spread(runs.map(pick));

export function table(
  title: string,
  runs: Runs,
  goal?: (client: string, runs: RunResult[]) => string,
): string {
  const header = [
    'client',
    'reissues',
    'reuse detected',
    'succeeded',
    'failed',
    'of which "session ended"',
    '401s served',
    'settle ms',
    'p50 ms',
    'p99 ms',
    'session alive',
    ...(goal ? ['goal'] : []),
  ];
  const rows = [...runs].map(([client, r]) => [
    client,
    formatSpread(of(r, (x) => x.reissues)),
    formatSpread(of(r, (x) => x.reuseDetected)),
    formatSpread(of(r, (x) => x.succeeded)),
    formatSpread(of(r, (x) => x.failed)),
    formatSpread(of(r, (x) => x.ended)),
    formatSpread(of(r, (x) => x.unauthorized)),
    formatSpread(of(r, (x) => x.settleMs)),
    formatSpread(
      of(r, (x) => x.p50),
      1,
    ),
    formatSpread(
      of(r, (x) => x.p99),
      1,
    ),
    `${r.filter((x) => x.alive).length}/${r.length}`,
    ...(goal ? [goal(client, r)] : []),
  ]);
  return [
    `### ${title}`,
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
    '',
  ].join('\n');
}

/** Median of per-repetition ratios a/b, with min–max, against a goal. */
export function ratioGoal(a: number[], b: number[], limit: number): string {
  const ratios = a.map((value, i) => value / (b[i] ?? NaN));
  const s = spread(ratios);
  const verdict = s.median <= limit ? 'met' : 'missed';
  return `${formatSpread(s, 2)}× (goal ≤ ${limit}×: ${verdict})`;
}

export const medianOf = (runs: RunResult[], pick: (r: RunResult) => number) =>
  median(runs.map(pick));
