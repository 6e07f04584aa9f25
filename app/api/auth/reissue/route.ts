import { NextResponse, type NextRequest } from 'next/server';
import { responseTarget } from 'token-reissue/server';
import { serverReissuer } from '@/lib/server/reissuer';
import { isSameOriginAuthRequest } from '@/lib/server/same-origin';
import { withTokens } from '@/lib/server/session-claims';
import { sessionStore } from '@/lib/server/session-store';
import { sealTicket } from '@/lib/server/tickets';

const noStore = { 'cache-control': 'no-store' };

/**
 * Rotates the session's refresh token, writes the new pair into the session cookie in this same
 * response (rotation and persistence are one HTTP exchange: a tab closed or a lost `signIn` after
 * it loses nothing), and hands the browser the new access token plus a sealed ticket.
 */
export async function POST(req: NextRequest) {
  if (!isSameOriginAuthRequest(req)) {
    return NextResponse.json({ error: 'FORBIDDEN' }, { status: 403, headers: noStore });
  }
  const store = sessionStore();
  const session = await store.read(req.cookies);
  if (!session?.sub) {
    return NextResponse.json({ error: 'SESSION_EXPIRED' }, { status: 401, headers: noStore });
  }
  const result = await serverReissuer().reissue(session.refreshToken);
  if (!result.ok) {
    const status = result.code === 'SESSION_EXPIRED' ? 401 : 503;
    return NextResponse.json({ error: result.code }, { status, headers: noStore });
  }
  const { accessToken, accessTokenExpiresAt, user } = result.tokens;
  const [ticket, write] = await Promise.all([
    sealTicket({ sub: session.sub, sid: session.sid }, result.tokens),
    store.write(req.cookies, withTokens(session, result.tokens)),
  ]);
  const response = NextResponse.json(
    // serverNow: the browser measures the token's remaining life against this, not its own clock.
    { accessToken, accessTokenExpiresAt, user, ticket, serverNow: Date.now() },
    { headers: noStore },
  );
  write.to(responseTarget(response.cookies));
  return response;
}
