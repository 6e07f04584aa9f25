/**
 * Tells this app's server what the tab's auth machine went through (the breaker tripped, the
 * session ended, a persist failed), so operators count it (`token_reissue_browser_reports_total`).
 * A small same-origin POST that outlives the page (`keepalive`); a lost report loses nothing
 * but a count.
 */
import { REISSUE_HEADER, type TelemetryEvent } from 'token-reissue';

export const REPORT_PATH = '/api/telemetry/events';

export function reportToServer(event: TelemetryEvent): void {
  if (event.type !== 'browser_report') return;
  void fetch(REPORT_PATH, {
    method: 'POST',
    keepalive: true,
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', [REISSUE_HEADER]: '1' },
    body: JSON.stringify({ event: event.report }),
  }).catch(() => {});
}
