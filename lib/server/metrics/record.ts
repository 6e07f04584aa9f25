/**
 * The package's telemetry events (token-reissue's `TelemetryHook`) counted in this process's
 * Prometheus metrics. The app hands `recordTelemetry` to the reissuer, the coordinators, the
 * Redis link and `authorize()`; the beacon route hands it what browsers report.
 */
import 'server-only';
import type { TelemetryEvent } from 'token-reissue';
import { appMetrics, REDIS_UP, type AppMetrics } from './registry';

/** `token_reissue_redis_up` exists only where Redis is configured. */
function redisUp(metrics: AppMetrics) {
  if (!metrics.registry.getSingleMetric(REDIS_UP)) {
    metrics.registry.registerMetric(metrics.redisUp);
  }
  return metrics.redisUp;
}

/** Called once a Redis link is made: up until a command says otherwise. */
export function noteRedisConfigured(): void {
  redisUp(appMetrics()).set(1);
}

export function recordTelemetry(event: TelemetryEvent): void {
  const metrics = appMetrics();
  switch (event.type) {
    case 'reissue': {
      const labels = { path: event.path, outcome: event.outcome };
      metrics.reissues.inc(labels);
      metrics.reissueDuration.observe(labels, event.seconds);
      return;
    }
    case 'coordinator_wait':
      metrics.coordinatorWait.observe(
        { coordinator: event.coordinator, outcome: event.outcome },
        event.seconds,
      );
      return;
    case 'redis_unreachable':
      metrics.redisOutages.inc();
      redisUp(metrics).set(0);
      return;
    case 'redis_reachable':
      redisUp(metrics).set(1);
      return;
    case 'redis_fallback':
      metrics.redisFallbacks.inc();
      return;
    case 'ticket_refused':
      metrics.ticketsRefused.inc({ reason: event.reason });
      return;
    case 'request_refused':
      metrics.requestsRefused.inc({ path: event.path });
      return;
    case 'browser_report':
      metrics.browserReports.inc({ event: event.report });
      return;
  }
}

/** A password sign-in the API did not accept. */
export function recordSignInFailure(
  failure: { kind: 'rejected'; status: number } | { kind: 'unavailable' },
): void {
  const error_type =
    failure.kind === 'unavailable'
      ? 'unavailable'
      : failure.status === 429
        ? 'rate_limited'
        : 'invalid_credentials';
  appMetrics().signInFailures.inc({ error_type });
}
