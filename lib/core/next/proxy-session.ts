/**
 * The proxy's session step (`proxy.ts`, Next 16's middleware): server-side proactive reissue.
 * When the session's access token expires within the margin, or the API already rejected it
 * in this process, reissue once (shared with concurrent requests) and write the new cookie on
 * the response **and** on the forwarded request, so Server Components rendering this same
 * request read the new token (they cannot set cookies themselves). Which pages need a session,
 * where sign-in is and what a page sees while the API is down are the app's to say.
 */
import { NextResponse, type NextRequest } from 'next/server';
import type { TokenPair } from '../server/auth-backend';
import type { ServerReissuer } from '../server/reissuer';
import { forwardedRequestTarget, responseTarget, type SessionStore } from '../server/session-store';
import { sessionBinding, type ServerSession } from '../http/session-token-source';
import type { BaseUser } from '../types';
import { unavailablePage } from './unavailable-page';

export interface ProxySessionStepOptions<S extends ServerSession, U extends BaseUser> {
  store: SessionStore<S>;
  reissuer: Pick<ServerReissuer<U>, 'reissue' | 'wasAccessTokenRejected'>;
  /** The session after a reissue: same claims, the new pair. */
  withTokens(session: S, tokens: TokenPair<U>): S;
  /** Reissue when the access token expires within this many milliseconds. */
  marginMs: number;
  /** Where a page without a session, or whose session ended, is sent (with `callbackUrl`). */
  signInPath?: string;
  /** True for a page a visitor without a session must not see (redirected to sign-in). */
  requiresSession?(req: NextRequest): boolean;
  /** A page GET whose reissue failed for now; the default retries the same URL. */
  unavailable?(req: NextRequest): NextResponse;
  now?: () => number;
}

/** next-auth's own sign-in page, used when the app names none. */
export const DEFAULT_SIGN_IN_PATH = '/api/auth/signin';

export function signInUrl(req: NextRequest, signInPath = DEFAULT_SIGN_IN_PATH): URL {
  const url = new URL(signInPath, req.url);
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

export async function proxySessionStep<S extends ServerSession, U extends BaseUser>(
  req: NextRequest,
  options: ProxySessionStepOptions<S, U>,
): Promise<NextResponse> {
  const { store, reissuer, marginMs, now = Date.now } = options;
  const session = await store.read(req.cookies);
  if (!session) {
    // A server action without a session must answer, not redirect: a fetch from the page cannot
    // follow a redirect to an HTML page (it ends in the error page), and a form posted without
    // JavaScript would lose what the person typed. The action returns its typed "not signed
    // in" result and the page keeps the draft, with a way to sign in again in place.
    const mustSignIn = isPageLoad(req) && !isApi(req) && (options.requiresSession?.(req) ?? false);
    // A cookie that does not decrypt or lacks a field is no session: clear it.
    const cleared = store.clear(req.cookies);
    cleared.to(forwardedRequestTarget(req.cookies));
    const response = mustSignIn
      ? NextResponse.redirect(signInUrl(req, options.signInPath))
      : NextResponse.next({ request: { headers: req.headers } });
    cleared.to(responseTarget(response.cookies));
    return response;
  }

  // With DPoP the session holds two access tokens from one rotation; the sooner to expire counts.
  const expiresAt = Math.min(
    session.accessTokenExpiresAt,
    session.serverAccessTokenExpiresAt ?? Number.POSITIVE_INFINITY,
  );
  const due = expiresAt - now() <= marginMs || reissuer.wasAccessTokenRejected(session.accessToken);
  if (!due) return NextResponse.next();

  const result = await reissuer.reissue(session.refreshToken, 'proxy', sessionBinding(session));
  if (result.ok) {
    const write = await store.write(req.cookies, options.withTokens(session, result.tokens));
    // The request first: the forwarded headers are taken when the response is made.
    write.to(forwardedRequestTarget(req.cookies));
    const response = NextResponse.next({ request: { headers: req.headers } });
    write.to(responseTarget(response.cookies));
    return response;
  }

  // A server action (POST) must answer, not redirect: the page keeps its unsaved input and
  // learns the session ended from the action's typed error.
  if (result.code === 'SESSION_EXPIRED' && isPageLoad(req)) {
    const url = signInUrl(req, options.signInPath);
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
      if (isApi(req)) {
        return NextResponse.json(
          { error: 'REISSUE_UNAVAILABLE' },
          { status: 503, headers: { 'retry-after': '2', 'cache-control': 'no-store' } },
        );
      }
      return options.unavailable?.(req) ?? unavailablePage();
    }
  }
  // A POST: let it through; the server action reports the typed error and keeps its input.
  return NextResponse.next();
}
