/**
 * The reissue route (`POST /api/auth/reissue`) the browser's auth actor calls. It rotates the
 * session's refresh token through the shared reissuer, writes the new pair into the session
 * cookie in this same response (rotation and persistence are one HTTP exchange: a tab closed or
 * a lost `signIn` after it loses nothing), and hands the browser the new access token, the user,
 * the server's clock and a sealed ticket for `signIn('credentials', { reissue })`. The refresh
 * token is never in the body.
 */
import { NextResponse, type NextRequest } from 'next/server';
import type { TokenPair } from '../server/auth-backend';
import type { ServerReissuer } from '../server/reissuer';
import { responseTarget, type SessionStore } from '../server/session-store';
import type { TicketSession } from '../server/tickets';
import { sessionBinding, type ServerSession } from '../http/session-token-source';
import type { BaseUser } from '../types';
import { isSameOriginAuthRequest } from './same-origin';

export interface ReissueRouteOptions<S extends ServerSession & TicketSession, U extends BaseUser> {
  store: SessionStore<S>;
  reissuer: Pick<ServerReissuer<U>, 'reissue'>;
  /** Seals the new pair for this session (`createTickets(…).seal`). */
  seal(session: Required<TicketSession>, tokens: TokenPair<U>): Promise<string>;
  withTokens(session: S, tokens: TokenPair<U>): S;
  now?: () => number;
}

const noStore = { 'cache-control': 'no-store' };

/** The reissue route's answer when the token endpoint wants a nonce in the browser's proof. */
export const DPOP_NONCE_ERROR = 'USE_DPOP_NONCE';

export async function reissueResponse<S extends ServerSession & TicketSession, U extends BaseUser>(
  req: NextRequest,
  { store, reissuer, seal, withTokens, now = Date.now }: ReissueRouteOptions<S, U>,
): Promise<NextResponse> {
  if (!isSameOriginAuthRequest(req)) {
    return NextResponse.json({ error: 'FORBIDDEN' }, { status: 403, headers: noStore });
  }
  const session = await store.read(req.cookies);
  if (!session?.sub || !session.sid) {
    return NextResponse.json({ error: 'SESSION_EXPIRED' }, { status: 401, headers: noStore });
  }
  // DPoP: the browser's proof for the API's reissue endpoint, forwarded so the new access token
  // is bound to the browser's key (RFC 9449 §5); without one, the key the session last used.
  const proof = req.headers.get('dpop');
  const binding = proof ? { ...sessionBinding(session), proof } : sessionBinding(session);
  const result = await reissuer.reissue(session.refreshToken, 'browser-route', binding);
  if (!result.ok && result.dpopNonce) {
    // The token endpoint wants its nonce in the browser's proof: the browser signs again.
    return NextResponse.json(
      { error: DPOP_NONCE_ERROR },
      { status: 400, headers: { ...noStore, 'dpop-nonce': result.dpopNonce } },
    );
  }
  if (!result.ok) {
    const status = result.code === 'SESSION_EXPIRED' ? 401 : 503;
    return NextResponse.json({ error: result.code }, { status, headers: noStore });
  }
  const { accessToken, accessTokenExpiresAt, user } = result.tokens;
  const [ticket, write] = await Promise.all([
    seal({ sub: session.sub, sid: session.sid }, result.tokens),
    store.write(req.cookies, withTokens(session, result.tokens)),
  ]);
  const response = NextResponse.json(
    // serverNow: the browser measures the token's remaining life against this, not its own clock.
    { accessToken, accessTokenExpiresAt, user, ticket, serverNow: now() },
    { headers: noStore },
  );
  write.to(responseTarget(response.cookies));
  return response;
}
