/**
 * POST /api/telemetry/events: what a browser tab reports about its auth machine (the breaker
 * tripped, the session ended, persisting a reissue failed), counted without any label that
 * names the tab or its user. The input is unauthenticated, so it is bounded at every step:
 * same-origin requests only (the reissue route's custom-header check), a body of at most
 * `MAX_BODY_BYTES`, one event from a fixed list (zod), and at most `REPORTS_PER_MINUTE` per
 * process; anything else is refused and counted as dropped.
 */
import 'server-only';
import type { NextRequest } from 'next/server';
import { BROWSER_REPORTS } from 'token-reissue';
import { isSameOriginAuthRequest } from 'token-reissue/next';
import { z } from 'zod';
import { readBoundedText, tokenBucket } from '../telemetry/bounded-input';
import { recordTelemetry } from './record';
import { appMetrics } from './registry';

export const MAX_BODY_BYTES = 256;
export const REPORTS_PER_MINUTE = 120;

const reportSchema = z.strictObject({ event: z.enum(BROWSER_REPORTS) });
const bucket = tokenBucket(REPORTS_PER_MINUTE);
const NO_STORE = { 'cache-control': 'no-store' };

function refuse(status: number, reason: 'invalid' | 'rate_limited'): Response {
  appMetrics().browserReportsDropped.inc({ reason });
  return Response.json({ error: reason.toUpperCase() }, { status, headers: NO_STORE });
}

function parse(text: string): z.infer<typeof reportSchema> | null {
  try {
    const parsed = reportSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function browserReportResponse(req: NextRequest): Promise<Response> {
  if (!isSameOriginAuthRequest(req)) return refuse(403, 'invalid');
  if (!bucket.take()) return refuse(429, 'rate_limited');
  const text = await readBoundedText(req, MAX_BODY_BYTES);
  if (text === null) return refuse(413, 'invalid');
  const report = parse(text);
  if (!report) return refuse(400, 'invalid');
  recordTelemetry({ type: 'browser_report', report: report.event });
  return new Response(null, { status: 204, headers: NO_STORE });
}
