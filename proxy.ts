import { NextResponse, type NextRequest } from 'next/server';
import { config as appConfig } from '@/lib/config';
import { proxySession } from '@/lib/server/proxy-session';
import { serverReissuer } from '@/lib/server/reissuer';
import { sessionStore } from '@/lib/server/session-store';
import { refuseBadAction } from '@/lib/security/action-guard';
import { newNonce, pageCsp } from '@/lib/security/headers';

const CSP = 'content-security-policy';

/**
 * A response that lets the request through must forward this request's headers (the CSP
 * carrying the nonce); proxySession forwards them only when it rewrote the cookie.
 */
function forwardingRequestHeaders(response: NextResponse, req: NextRequest): NextResponse {
  const passesThrough = response.headers.get('x-middleware-next') === '1';
  if (!passesThrough || response.headers.has('x-middleware-override-headers')) return response;
  const forwarded = NextResponse.next({ request: { headers: req.headers } });
  response.headers.forEach((value, key) => {
    if (key !== 'set-cookie') forwarded.headers.set(key, value);
  });
  for (const cookie of response.headers.getSetCookie())
    forwarded.headers.append('set-cookie', cookie);
  return forwarded;
}

/**
 * Every page, server action and app route passes here: refuse server actions Next would
 * answer with a 500, give the page a CSP with a fresh nonce, then run the session check and
 * server-side reissue.
 */
export async function proxy(req: NextRequest) {
  const refused = refuseBadAction(req);
  if (refused) return refused;

  const { NODE_ENV, publicBackendUrl, SESSION_REFRESH_MARGIN_SECONDS } = appConfig();
  const csp = pageCsp({
    nonce: newNonce(),
    dev: NODE_ENV === 'development',
    connectTo: [new URL(publicBackendUrl).origin],
    https: req.headers.get('x-forwarded-proto') === 'https',
  });
  // Next reads the nonce from the request's CSP header and puts it on its scripts.
  req.headers.set(CSP, csp);
  const session = await proxySession(req, {
    marginMs: SESSION_REFRESH_MARGIN_SECONDS * 1000,
    reissuer: serverReissuer(),
    store: sessionStore(),
  });
  const response = forwardingRequestHeaders(session, req);
  response.headers.set(CSP, csp);
  return response;
}

export const config = {
  // Pages, server actions and app API routes; not next-auth's own routes, the reissue route
  // (the browser actor owns that flow), the metrics and telemetry routes (no session), static
  // assets or files with an extension. Those get their headers from next.config.mjs.
  matcher: [
    '/((?!api/auth|api/metrics|api/telemetry|_next/static|_next/image|favicon\\.ico|.*\\.[a-zA-Z0-9]+$).*)',
  ],
};
