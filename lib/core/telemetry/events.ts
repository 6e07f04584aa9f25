/**
 * What the core reports about reissues, for an app to count (Prometheus, logs, anything else):
 * an optional hook called with small events. The core depends on no metrics library, and no
 * event field identifies a user or carries a token or a URL, so every field may be a label.
 * Browser-safe: no imports.
 */

/** Where a reissue was asked for: the browser's reissue route, the proxy, serverAuth, serverFetch. */
export const REISSUE_PATHS = ['browser-route', 'proxy', 'server-auth', 'fetch'] as const;
export type ReissuePath = (typeof REISSUE_PATHS)[number];

/**
 * How a reissue ended for one caller: `rotated` (this caller's API call rotated the token),
 * `joined` (it received another caller's outcome: the single flight, or another process's
 * through Redis), `expired` (the refresh token is dead), `unavailable` (transient).
 */
export const REISSUE_OUTCOMES = ['rotated', 'joined', 'expired', 'unavailable'] as const;
export type ReissueOutcomeKind = (typeof REISSUE_OUTCOMES)[number];

/**
 * Why `authorize()` refused a reissue ticket: `forged` (it does not open: not sealed by this
 * app, or tampered), `expired`, `wrong_session` (sealed for another session), `stale` (older
 * than the cookie, or its refresh token already rotated), `replayed` (presented twice).
 */
export const TICKET_REFUSALS = ['forged', 'expired', 'wrong_session', 'stale', 'replayed'] as const;
export type TicketRefusalKind = (typeof TICKET_REFUSALS)[number];

/**
 * What a browser tab reports to its server: the breaker tripped, the session ended, persisting
 * failed, a route refused a freshly reissued token (the chart's refusal: no reissue).
 */
export const BROWSER_REPORTS = [
  'breaker_tripped',
  'session_ended',
  'persist_failed',
  'request_refused',
] as const;
export type BrowserReport = (typeof BROWSER_REPORTS)[number];

/** How a wait in a coordinator ended: it took the lock, received another's outcome, or gave up. */
export type CoordinatorWaitOutcome = 'held' | 'received' | 'timed_out';

export type TelemetryEvent =
  | {
      type: 'reissue';
      path: ReissuePath;
      outcome: ReissueOutcomeKind;
      seconds: number;
      /** The failure code for `expired` and `unavailable`. */
      errorType?: string;
    }
  | {
      type: 'coordinator_wait';
      coordinator: 'in-process' | 'redis';
      outcome: CoordinatorWaitOutcome;
      seconds: number;
    }
  /** Redis became unreachable (once per outage), or reachable again. */
  | { type: 'redis_unreachable' }
  | { type: 'redis_reachable' }
  /** A reissue went through this process's own call because Redis was unreachable. */
  | { type: 'redis_fallback' }
  | { type: 'ticket_refused'; reason: TicketRefusalKind }
  /** The API rejected a token a reissue had just given a server request: the route refuses. */
  | { type: 'request_refused'; path: ReissuePath }
  | { type: 'browser_report'; report: BrowserReport };

export type TelemetryHook = (event: TelemetryEvent) => void;

/** Calls the hook, if any; a hook that throws never breaks a reissue. */
export function emit(hook: TelemetryHook | undefined, event: TelemetryEvent): void {
  if (!hook) return;
  try {
    hook(event);
  } catch {
    // Counting is best effort.
  }
}

/** Seconds since `startedMs` (a `performance.now()` reading). */
export function secondsSince(startedMs: number): number {
  return (performance.now() - startedMs) / 1000;
}
