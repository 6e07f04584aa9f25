/**
 * This process's Prometheus metrics (prom-client), on one registry. Next bundles the proxy and
 * each route separately, so module-level metrics would exist once per bundle and each would
 * count a part; the registry lives on `globalThis` instead, and prom-client itself is loaded
 * from node_modules (`serverExternalPackages`). Every label takes a value from a short fixed
 * list (../../core's REISSUE_PATHS and friends): never a user, a token or a URL. Every series of
 * those lists starts at zero, so a query sees it before the first event.
 */
import 'server-only';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { BROWSER_REPORTS, REISSUE_OUTCOMES, REISSUE_PATHS, TICKET_REFUSALS } from 'token-reissue';

export const NAMESPACE = 'token_reissue';
export const SIGN_IN_FAILURES = ['invalid_credentials', 'rate_limited', 'unavailable'] as const;
export const COORDINATORS = ['in-process', 'redis'] as const;
export const WAIT_OUTCOMES = ['held', 'received', 'timed_out'] as const;
export const DROP_REASONS = ['invalid', 'rate_limited'] as const;
export const REDIS_UP = `${NAMESPACE}_redis_up`;

const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Seconds: a reissue is tens of milliseconds; waits run to the API timeout and beyond. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

function build() {
  const registry = new Registry();
  const registers = [registry];
  const metrics = {
    registry,
    reissues: new Counter({
      name: `${NAMESPACE}_reissues_total`,
      help: 'Reissues asked for on this process, by who asked (path) and how each ended (outcome).',
      labelNames: ['path', 'outcome'] as const,
      registers,
    }),
    reissueDuration: new Histogram({
      name: `${NAMESPACE}_reissue_duration_seconds`,
      help: 'Time from asking for a reissue to its outcome, by path and outcome.',
      labelNames: ['path', 'outcome'] as const,
      buckets: BUCKETS,
      registers,
    }),
    coordinatorWait: new Histogram({
      name: `${NAMESPACE}_coordinator_wait_seconds`,
      help: "Time a reissue waited for the coordinator's lock or another caller's outcome.",
      labelNames: ['coordinator', 'outcome'] as const,
      buckets: BUCKETS,
      registers,
    }),
    redisOutages: new Counter({
      name: `${NAMESPACE}_redis_outages_total`,
      help: 'Times this process found Redis unreachable (once per outage).',
      registers,
    }),
    redisUp: new Gauge({
      name: REDIS_UP,
      help: '1 while Redis answers this process, 0 during an outage; absent without Redis.',
      registers: [],
    }),
    redisFallbacks: new Counter({
      name: `${NAMESPACE}_redis_fallbacks_total`,
      help: 'Reissues this process made on its own because Redis was unreachable (REISSUE_FALLBACK=in-process).',
      registers,
    }),
    ticketsRefused: new Counter({
      name: `${NAMESPACE}_tickets_refused_total`,
      help: 'Reissue tickets authorize() refused, by reason.',
      labelNames: ['reason'] as const,
      registers,
    }),
    signInFailures: new Counter({
      name: `${NAMESPACE}_sign_in_failures_total`,
      help: 'Password sign-ins that did not start a session, by error type.',
      labelNames: ['error_type'] as const,
      registers,
    }),
    requestsRefused: new Counter({
      name: `${NAMESPACE}_requests_refused_total`,
      help: 'Server requests (serverAuth, serverFetch) whose route rejected a just-reissued token.',
      labelNames: ['path'] as const,
      registers,
    }),
    browserReports: new Counter({
      name: `${NAMESPACE}_browser_reports_total`,
      help: 'What browser tabs reported: breaker trips, ended sessions, failed persists, refusals.',
      labelNames: ['event'] as const,
      registers,
    }),
    browserReportsDropped: new Counter({
      name: `${NAMESPACE}_browser_reports_dropped_total`,
      help: 'Browser reports refused: malformed, or over the rate this process accepts.',
      labelNames: ['reason'] as const,
      registers,
    }),
  };
  for (const path of REISSUE_PATHS) {
    for (const outcome of REISSUE_OUTCOMES) metrics.reissues.inc({ path, outcome }, 0);
  }
  for (const reason of TICKET_REFUSALS) metrics.ticketsRefused.inc({ reason }, 0);
  for (const error_type of SIGN_IN_FAILURES) metrics.signInFailures.inc({ error_type }, 0);
  for (const event of BROWSER_REPORTS) metrics.browserReports.inc({ event }, 0);
  for (const path of ['server-auth', 'fetch']) metrics.requestsRefused.inc({ path }, 0);
  for (const reason of DROP_REASONS) metrics.browserReportsDropped.inc({ reason }, 0);
  collectDefaultMetrics({ register: registry });
  // Gauges prom-client names `_total`, which promtool's lint rejects; the per-type gauges
  // without the suffix carry the same counts.
  for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name);
  return metrics;
}

export type AppMetrics = ReturnType<typeof build>;

const KEY = Symbol.for('token-reissue.app.metrics');

/** The process's one set of metrics, made on first use. */
export function appMetrics(): AppMetrics {
  const holder = globalThis as typeof globalThis & { [KEY]?: AppMetrics };
  holder[KEY] ??= build();
  return holder[KEY];
}
