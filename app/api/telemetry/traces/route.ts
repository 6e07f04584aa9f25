import type { NextRequest } from 'next/server';
import { traceRelayResponse } from '@/lib/server/telemetry/trace-relay';

/** The browser's spans, passed on to the OTLP endpoint while tracing is on (404 otherwise). */
export function POST(req: NextRequest) {
  return traceRelayResponse(req);
}
