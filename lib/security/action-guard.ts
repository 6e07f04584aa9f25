import { NextResponse, type NextRequest } from 'next/server';

/**
 * Server-action POSTs that Next would otherwise answer with a 500: one from another origin
 * (Next refuses it by throwing) and one whose body exceeds the action body limit. Both are
 * refused here with a 4xx before Next parses anything. The app's own forms never send either:
 * inputs carry `maxLength`, and the actions answer over-long fields with a field error.
 */
export const ACTION_BODY_LIMIT_BYTES = 1024 * 1024;

function isServerAction(req: NextRequest): boolean {
  return req.method === 'POST' && req.headers.has('next-action');
}

function sameOrigin(req: NextRequest): boolean {
  const origin = req.headers.get('origin');
  // Browsers send Origin on every POST; a request without one is not a cross-site browser request.
  if (!origin) return true;
  try {
    const host = req.headers.get('x-forwarded-host') ?? req.headers.get('host');
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** A 4xx answer for a server action that must not reach Next, or null to let it through. */
export function refuseBadAction(req: NextRequest): NextResponse | null {
  if (!isServerAction(req)) return null;
  if (!sameOrigin(req)) {
    return NextResponse.json({ error: 'FORBIDDEN_ORIGIN' }, { status: 403 });
  }
  const length = Number(req.headers.get('content-length') ?? 0);
  if (!Number.isFinite(length) || length > ACTION_BODY_LIMIT_BYTES) {
    return NextResponse.json({ error: 'PAYLOAD_TOO_LARGE' }, { status: 413 });
  }
  return null;
}
