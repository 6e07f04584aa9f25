/**
 * POST /api/telemetry/traces: the browser's spans (OTLP/HTTP JSON), passed on to the configured
 * OTLP endpoint. The browser exports here, on its own origin, so the page's CSP stays as it is
 * and the collector need not be reachable from the internet or allow CORS. Unauthenticated
 * input, so it is bounded: same-origin requests only, JSON of at most `MAX_BODY_BYTES` shaped
 * like an OTLP export (zod), at most `EXPORTS_PER_MINUTE` per process. 404 while tracing is off.
 */
import 'server-only';
import type { NextRequest } from 'next/server';
import { isSameOriginAuthRequest } from 'token-reissue/next';
import { z } from 'zod';
import { config } from '@/lib/config';
import { readBoundedText, tokenBucket } from './bounded-input';

export const MAX_BODY_BYTES = 512 * 1024;
export const EXPORTS_PER_MINUTE = 600;
const FORWARD_TIMEOUT_MS = 5_000;

const exportSchema = z.object({
  resourceSpans: z
    .array(
      z.object({
        resource: z.object({ attributes: z.array(z.unknown()).max(64) }).optional(),
        scopeSpans: z.array(z.object({ spans: z.array(z.unknown()).max(2_048) })).max(16),
      }),
    )
    .max(16),
});

const bucket = tokenBucket(EXPORTS_PER_MINUTE);
const NO_STORE = { 'cache-control': 'no-store' };
const answer = (status: number) => new Response(null, { status, headers: NO_STORE });

function valid(text: string): boolean {
  try {
    return exportSchema.safeParse(JSON.parse(text)).success;
  } catch {
    return false;
  }
}

export async function traceRelayResponse(req: NextRequest): Promise<Response> {
  const tracing = config().tracing;
  if (!tracing) return answer(404);
  if (!isSameOriginAuthRequest(req)) return answer(403);
  if (!req.headers.get('content-type')?.startsWith('application/json')) return answer(415);
  if (!bucket.take()) return answer(429);
  const text = await readBoundedText(req, MAX_BODY_BYTES);
  if (text === null) return answer(413);
  if (!valid(text)) return answer(400);
  try {
    const forwarded = await fetch(tracing.tracesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: text,
      signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
      cache: 'no-store',
    });
    return answer(forwarded.ok ? 200 : 502);
  } catch {
    return answer(502);
  }
}
