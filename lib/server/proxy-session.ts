import 'server-only';
import type { JWT } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import {
  forwardedRequestTarget,
  responseTarget,
  type SessionStore,
  type ServerReissuer,
} from 'token-reissue/server';
import type { SessionUser } from '@/lib/next-auth';
import { withTokens } from './session-claims';

export interface ProxySessionOptions {
  /** Reissue when the access token expires within this many milliseconds. */
  marginMs: number;
  reissuer: Pick<ServerReissuer<SessionUser>, 'reissue' | 'wasAccessTokenRejected'>;
  store: SessionStore<JWT>;
  now?: () => number;
}
import { UNAVAILABLE_PATH, unavailablePage } from './unavailable-page';

const PUBLIC_PAGES = new Set(['/signin', '/signup']);

export function signInUrl(req: NextRequest): URL {
  const url = new URL('/signin', req.url);
  url.searchParams.set('callbackUrl', `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return url;
}

function isApi(req: NextRequest): boolean {
  return req.nextUrl.pathname.startsWith('/api/');
}

/** A page load. Any other method on a page is a server action (a form post, with or without JavaScript). */
function isPageLoad(req: NextRequest): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}

/**
 * Server-side proactive reissue. When the session's access token expires within the margin, or
 * the API already rejected it in this process, reissue once (shared with concurrent requests)
 * and write the new cookie on the response and on the forwarded request, so Server Components
 * in this same request read the new token.
 */
export async function proxySession(
  req: NextRequest,
  { marginMs, reissuer, store, now = Date.now }: ProxySessionOptions,
): Promise<NextResponse> {
  // The retry page of a failed reissue must not itself wait on (and fail) another reissue.
  if (req.nextUrl.pathname === UNAVAILABLE_PATH) return NextResponse.next();
  const session = await store.read(req.cookies);
  if (!session) {
    // A server action without a session must answer, not redirect: a fetch from the page cannot
    // follow a redirect to an HTML page (it ends in the error page), and a form posted without
    // JavaScript would lose what the person typed. The action returns its typed "not signed
    // in" result and the page keeps the draft, with a way to sign in again in place.
    const mustSignIn = isPageLoad(req) && !isApi(req) && !PUBLIC_PAGES.has(req.nextUrl.pathname);
    // A cookie that does not decrypt or lacks a field is no session: clear it.
    const cleared = store.clear(req.cookies);
    cleared.to(forwardedRequestTarget(req.cookies));
    const response = mustSignIn
      ? NextResponse.redirect(signInUrl(req))
      : NextResponse.next({ request: { headers: req.headers } });
    cleared.to(responseTarget(response.cookies));
    return response;
  }

  const due =
    session.accessTokenExpiresAt - now() <= marginMs ||
    reissuer.wasAccessTokenRejected(session.accessToken);
  if (!due) return NextResponse.next();

  const result = await reissuer.reissue(session.refreshToken);
  if (result.ok) {
    const write = await store.write(req.cookies, withTokens(session, result.tokens));
    // The request first: the forwarded headers are taken when the response is made.
    write.to(forwardedRequestTarget(req.cookies));
    const response = NextResponse.next({ request: { headers: req.headers } });
    write.to(responseTarget(response.cookies));
    return response;
  }

  // A server action (POST) must answer, not redirect: the page keeps its unsaved input and
  // learns the session ended from the action's typed error.
  if (result.code === 'SESSION_EXPIRED' && isPageLoad(req)) {
    const url = signInUrl(req);
    url.searchParams.set('reason', 'expired');
    const response = isApi(req)
      ? NextResponse.json({ error: 'SESSION_EXPIRED' }, { status: 401 })
      : NextResponse.redirect(url);
    store.clear(req.cookies).to(responseTarget(response.cookies));
    return response;
  }

  if (result.code === 'REISSUE_UNAVAILABLE') {
    console.warn(`[auth] proxy reissue unavailable: ${result.reason}`);
    // A page or API GET would only replay the dead access token: answer 503 with a retry now.
    if (isPageLoad(req)) {
      return isApi(req)
        ? NextResponse.json(
            { error: 'REISSUE_UNAVAILABLE' },
            { status: 503, headers: { 'retry-after': '2', 'cache-control': 'no-store' } },
          )
        : unavailablePage();
    }
  }
  // A POST: let it through; the server action reports the typed error and keeps its input.
  return NextResponse.next();
}
