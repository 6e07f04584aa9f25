import { metricsResponse } from '@/lib/server/metrics/endpoint';

/** Prometheus scrapes this process here (see docs/observability.md); never cached. */
export const dynamic = 'force-dynamic';

export function GET(req: Request) {
  return metricsResponse(req);
}
