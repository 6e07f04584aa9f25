/**
 * Two guards for the unauthenticated telemetry routes (browser reports, the trace relay): a body
 * read that stops at a byte limit instead of buffering whatever arrives, and a token bucket
 * that bounds how much this process accepts per minute, whoever sends it.
 */
import 'server-only';

/** The body as text, or null when it is longer than `maxBytes` (reading stops there). */
export async function readBoundedText(req: Request, maxBytes: number): Promise<string | null> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBytes || !req.body) return declared > maxBytes ? null : '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `perMinute` takes a minute, refilled continuously; a burst may use the whole of it. */
export function tokenBucket(perMinute: number, now: () => number = Date.now) {
  let tokens = perMinute;
  let last = now();
  return {
    take(): boolean {
      const at = now();
      tokens = Math.min(perMinute, tokens + ((at - last) * perMinute) / 60_000);
      last = at;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}
