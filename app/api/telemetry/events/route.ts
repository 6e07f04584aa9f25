import type { NextRequest } from 'next/server';
import { browserReportResponse } from '@/lib/server/metrics/browser-reports';

/** Browser tabs report breaker trips, ended sessions and failed persists here. */
export function POST(req: NextRequest) {
  return browserReportResponse(req);
}
