import 'server-only';
import { NextResponse, type NextRequest } from 'next/server';
import { config } from '@/lib/config';
import { reissueOnce, wasAccessTokenRejected } from './reissue-server';
import {
  clearedSessionCookies,
  readSession,
  sessionCookies,
  withTokens,
  type SetCookie,
} from './session-cookie';
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

function applyCookies(response: NextResponse, cookies: SetCookie[]): NextResponse {
  for (const { name, value, options } of cookies) response.cookies.set(name, value, options);
  return response;
}

/**
 * Server-side proactive reissue. When the session's access token expires within the margin, or
 * the API already rejected it in this process, reissue once (shared with concurrent requests)
 * and write the new cookie on the response and on the forwarded request, so Server Components
 * in this same request read the new token.
 */
export async function proxySession(req: NextRequest): Promise<NextResponse> {
  // The retry page of a failed reissue must not itself wait on (and fail) another reissue.
  if (req.nextUrl.pathname === UNAVAILABLE_PATH) return NextResponse.next();
  const session = await readSession(req.cookies);
  if (!session) {
    const mustSignIn = !isApi(req) && !PUBLIC_PAGES.has(req.nextUrl.pathname);
    // A cookie that does not decrypt or lacks a field is no session: clear it.
    const cleared = clearedSessionCookies(req.cookies);
    for (const { name } of cleared) req.cookies.delete(name);
    const response = mustSignIn
      ? NextResponse.redirect(signInUrl(req))
      : NextResponse.next({ request: { headers: req.headers } });
    return applyCookies(response, cleared);
  }

  const marginMs = config().SESSION_REFRESH_MARGIN_SECONDS * 1000;
  const due =
    session.accessTokenExpiresAt - Date.now() <= marginMs ||
    wasAccessTokenRejected(session.accessToken);
  if (!due) return NextResponse.next();

  const result = await reissueOnce(session.refreshToken);
  if (result.ok) {
    const cookies = await sessionCookies(req.cookies, withTokens(session, result.tokens));
    for (const { name, value, options } of cookies) {
      if (options.maxAge === 0) req.cookies.delete(name);
      else req.cookies.set(name, value);
    }
    return applyCookies(NextResponse.next({ request: { headers: req.headers } }), cookies);
  }

  // A server action (POST) must answer, not redirect: the page keeps its unsaved input and
  // learns the session ended from the action's typed error.
  if (result.code === 'SESSION_EXPIRED' && req.method === 'GET') {
    const cleared = clearedSessionCookies(req.cookies);
    if (isApi(req)) {
      return applyCookies(
        NextResponse.json({ error: 'SESSION_EXPIRED' }, { status: 401 }),
        cleared,
      );
    }
    const url = signInUrl(req);
    url.searchParams.set('reason', 'expired');
    return applyCookies(NextResponse.redirect(url), cleared);
  }

  if (result.code === 'REISSUE_UNAVAILABLE') {
    console.warn(`[auth] proxy reissue unavailable: ${result.reason}`);
    // A page or API GET would only replay the dead access token: answer 503 with a retry now.
    if (req.method === 'GET') {
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
