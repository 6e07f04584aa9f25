/**
 * `npm run bench`: this project's machine and interceptors side by side with what people use
 * instead, in one process, against the same reference API rotating strictly (no grace
 * window). Interleaved repetitions; prints the tables and writes them to docs/benchmarks.md.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { startApi, type BenchApi } from './api';
import { bareAxios, type ClientFactory } from './client';
import { axiosAuthRefreshDefaults, axiosAuthRefreshNoDedupe, naive, singleFlight } from './clients';
import { project, projectDpop, projectTraced } from './project-client';
import { ratioGoal, table, type Runs } from './report';
import { burst, lateWave, overhead, stale401, steady, type RunResult } from './scenarios';
import { startBenchTracing } from './tracing';

const REPETITIONS = 5;
const STEADY_MS = 2_200;
const OVERHEAD_REQUESTS = 200;
const PROJECT = 'this project';
const SINGLE_FLIGHT = 'single-flight promise';
const BARE = 'bare axios (valid token, no logic)';
const PROJECT_DPOP = 'this project, DPoP (a proof per request)';
const TRACED = 'this project, tracing on';

const CLIENTS: [string, ClientFactory][] = [
  [PROJECT, project],
  ['write-up interceptor (naive)', naive],
  ['axios-auth-refresh 5 (defaults)', axiosAuthRefreshDefaults],
  ['axios-auth-refresh 5 (deduplicateRefresh: false)', axiosAuthRefreshNoDedupe],
  [SINGLE_FLIGHT, singleFlight],
];

/**
 * `npm run bench -- --only burst`: run only the scenarios whose name contains the word (e.g.
 * `burst`, `burst 1000`, `steady`, `overhead`), print their tables, and leave the docs alone (a
 * partial run must not replace the full tables).
 */
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt >= 0 ? process.argv.slice(onlyAt + 1).join(' ') : undefined;
const wanted = (scenario: string) => !ONLY || scenario.includes(ONLY);

const results = new Map<string, Runs>();
function record(scenario: string, client: string, run: RunResult) {
  if (!wanted(scenario)) return;
  const runs = results.get(scenario) ?? new Map<string, RunResult[]>();
  results.set(scenario, runs);
  runs.set(client, [...(runs.get(client) ?? []), run]);
}

/** Each repetition starts with a different client, so no client always runs first or last. */
const rotated = <T>(items: T[], by: number) => items.map((_, i) => items[(i + by) % items.length]!);

async function main() {
  const started = performance.now();
  const burstApi = await startApi(5);
  const longApi = await startApi(3_600);
  const steadyApis = new Map<string, { expiring: BenchApi; lasting: BenchApi }>();
  for (const [name] of wanted('steady') ? CLIENTS : []) {
    steadyApis.set(name, { expiring: await startApi(1), lasting: await startApi(3_600) });
  }
  for (const [, factory] of CLIENTS) await burst(burstApi, factory, 50); // warm-up, discarded
  // Registered for the whole run; only the "tracing on" row's interceptors make spans.
  const tracing = await startBenchTracing();

  for (let rep = 0; rep < REPETITIONS; rep++) {
    const order = rotated(CLIENTS, rep);
    for (const n of [10, 100, 1000].filter((n) => wanted(`burst ${n}`))) {
      for (const [name, f] of order) record(`burst ${n}`, name, await burst(burstApi, f, n));
    }
    if (wanted('late')) {
      for (const [name, f] of order) record('late', name, await lateWave(burstApi, f));
    }
    if (wanted('stale')) {
      for (const [name, f] of order) record('stale', name, await stale401(burstApi, f));
    }
    const withBare: [string, ClientFactory][] = [
      [BARE, bareAxios],
      [PROJECT_DPOP, projectDpop],
      [TRACED, projectTraced],
      ...order,
    ];
    for (const [name, f] of wanted('overhead') ? rotated(withBare, rep) : []) {
      record('overhead', name, await overhead(longApi, f, OVERHEAD_REQUESTS));
    }
    // All clients at once, each against its own API, so every API's counts are one client's.
    const steadyRun = (which: 'expiring' | 'lasting', scenario: string) =>
      Promise.all(
        order.map(async ([name, f]) =>
          record(scenario, name, await steady(steadyApis.get(name)![which], f, STEADY_MS)),
        ),
      );
    if (wanted('steady')) {
      await steadyRun('expiring', 'steady');
      await steadyRun('lasting', 'steady, no expiry');
    }
    console.log(`repetition ${rep + 1}/${REPETITIONS} done`);
  }
  for (const { expiring, lasting } of steadyApis.values()) {
    await expiring.close();
    await lasting.close();
  }
  await burstApi.close();
  await longApi.close();
  await tracing.stop();
  console.log(`tracing on: ${tracing.exports()} OTLP exports received by the sink`);
  const seconds = (performance.now() - started) / 1000;
  await report(seconds);
}

async function report(seconds: number) {
  const runs = (scenario: string) => results.get(scenario) ?? new Map<string, RunResult[]>();
  const settle = (scenario: string, client: string) =>
    runs(scenario)
      .get(client)!
      .map((r) => r.settleMs);
  const p = (scenario: string, client: string, pick: (r: RunResult) => number) =>
    runs(scenario).get(client)!.map(pick);

  const sections = [
    table('Burst, N = 10, token already rejected', runs('burst 10')),
    table('Burst, N = 100, token already rejected', runs('burst 100')),
    table(
      'Burst, N = 1000, token already rejected (5 s access tokens: also the durability check)',
      runs('burst 1000'),
      (client) =>
        `settle ${ratioGoal(settle('burst 1000', client), settle('burst 1000', SINGLE_FLIGHT), 1)} single-flight's`,
    ),
    table(
      'Late 401s: 50 more requests sent while the reissue is at the API (held 150 ms)',
      runs('late'),
    ),
    table('Stale 401: one request whose 401 arrives 200 ms late, after the reissue', runs('stale')),
    table(
      `Steady traffic: 4 loops for ${STEADY_MS / 1000} s, 1 s access tokens (several expiries)`,
      runs('steady'),
      (client) =>
        `p99 ${ratioGoal(
          p('steady', client, (r) => r.p99),
          p('steady, no expiry', client, (r) => r.p99),
          1.2,
        )} no-expiry p99`,
    ),
    table('Steady traffic, no expiry (1 h access tokens)', runs('steady, no expiry')),
    table(
      `Overhead: ${OVERHEAD_REQUESTS} sequential requests, valid token`,
      runs('overhead'),
      (client) =>
        client === BARE
          ? 'baseline'
          : client === PROJECT_DPOP
            ? `p50 ${ratioGoal(
                p('overhead', client, (r) => r.p50),
                p('overhead', PROJECT, (r) => r.p50),
                3,
              )} this project's without DPoP (signing and the API's check, in one process)`
            : `p50 ${ratioGoal(
                p('overhead', client, (r) => r.p50),
                p('overhead', BARE, (r) => r.p50),
                1.05,
              )} bare axios` +
              (client === TRACED
                ? `; ${ratioGoal(
                    p('overhead', client, (r) => r.p50),
                    p('overhead', PROJECT, (r) => r.p50),
                    1.02,
                  )} tracing off`
                : ''),
    ),
  ];
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  const cpus = os.cpus();
  const machine = `${cpus.length} × ${cpus[0]?.model ?? 'CPU'}, Node ${process.version}, ${os.platform()} ${os.release()}`;
  const intro = [
    `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${machine}, commit ${commit}; ` +
      `${REPETITIONS} interleaved repetitions, each figure the median (min–max); whole run ${seconds.toFixed(0)} s.`,
    '',
    'Every client talks to the reference API in this process with `REUSE_GRACE_SECONDS=0`: a refresh ' +
      'token presented twice revokes its family, so a duplicate reissue ends the session. ' +
      '"401s served" counts `GET /users/me` answers the API gave with 401; "session ended" counts ' +
      'failures a caller would take for a sign-out (a 401 or `SESSION_EXPIRED` reached it); "session ' +
      "alive\" means the client's refresh token still rotated after the run. This project's client is " +
      'the real machine and interceptors (`lib/http`) with a `reissue` actor that calls the API ' +
      'directly instead of the Next route.',
    '',
  ].join('\n');
  // Under --only, the scenarios that did not run have no rows: leave their tables out.
  const ran = sections.filter((section) => section.includes(`| ${PROJECT} `));
  const markdown = [intro, ...ran].join('\n');
  console.log(`\n${markdown}`);
  if (ONLY) return;

  const docs = fileURLToPath(new URL('../../docs/benchmarks.md', import.meta.url));
  const start = '<!-- bench:start -->';
  const end = '<!-- bench:end -->';
  const current = readFileSync(docs, 'utf8');
  const before = current.slice(0, current.indexOf(start) + start.length);
  const after = current.slice(current.indexOf(end));
  // Formatted as `npm run format` would, so a fresh run leaves only the numbers changed.
  writeFileSync(docs, await format(`${before}\n${markdown}\n${after}`, { parser: 'markdown' }));
  console.log(`Wrote ${docs}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
