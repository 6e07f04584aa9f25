import { Counter, Registry } from 'prom-client';

export const REISSUE_OUTCOMES = ['rotated', 'grace', 'reuse_detected', 'invalid'] as const;
export const LOGIN_OUTCOMES = ['success', 'invalid_credentials', 'rate_limited'] as const;
export const SIGNUP_OUTCOMES = ['created', 'email_taken', 'rate_limited'] as const;

export type ReissueOutcome = (typeof REISSUE_OUTCOMES)[number];
export type LoginOutcome = (typeof LOGIN_OUTCOMES)[number];
export type SignupOutcome = (typeof SIGNUP_OUTCOMES)[number];

export interface Metrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status'>;
  reissues: Counter<'outcome'>;
  logins: Counter<'outcome'>;
  signups: Counter<'outcome'>;
}

/**
 * Each app gets its own registry (not prom-client's global one), so several apps in one
 * process, as in tests, keep separate counts. Outcome counters start at zero for every
 * outcome so scrapers see the series before the first event.
 */
export function createMetrics(): Metrics {
  const registry = new Registry();
  const requests = new Counter({
    name: 'api_requests_total',
    help: 'HTTP requests by route pattern, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  });
  const reissues = new Counter({
    name: 'auth_reissue_total',
    help: 'POST /auth/reissue results: rotated (new successor), grace (same successor again), reuse_detected (family revoked), invalid.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const logins = new Counter({
    name: 'auth_login_total',
    help: 'POST /auth/login results.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const signups = new Counter({
    name: 'auth_signup_total',
    help: 'POST /auth/signup results.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  for (const outcome of REISSUE_OUTCOMES) reissues.inc({ outcome }, 0);
  for (const outcome of LOGIN_OUTCOMES) logins.inc({ outcome }, 0);
  for (const outcome of SIGNUP_OUTCOMES) signups.inc({ outcome }, 0);
  return { registry, requests, reissues, logins, signups };
}
