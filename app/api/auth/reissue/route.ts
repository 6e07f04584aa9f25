import { NextResponse, type NextRequest } from 'next/server';
import { reissueOnce } from '@/lib/auth/reissue-server';
import { isSameOriginAuthRequest } from '@/lib/auth/same-origin';
import { readSession, sessionCookies, withTokens } from '@/lib/auth/session-cookie';
import { sealTicket } from '@/lib/auth/ticket';

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
  const session = await readSession(req.cookies);
  if (!session?.sub) {
    return NextResponse.json({ error: 'SESSION_EXPIRED' }, { status: 401, headers: noStore });
  }
  const result = await reissueOnce(session.refreshToken);
  if (!result.ok) {
    const status = result.code === 'SESSION_EXPIRED' ? 401 : 503;
    return NextResponse.json({ error: result.code }, { status, headers: noStore });
  }
  const { accessToken, accessTokenExpiresAt, user } = result.tokens;
  const [reissue, cookies] = await Promise.all([
    sealTicket({ sub: session.sub, sid: session.sid }, result.tokens),
    sessionCookies(req.cookies, withTokens(session, result.tokens)),
  ]);
  const response = NextResponse.json(
    // serverNow: the browser measures the token's remaining life against this, not its own clock.
    { accessToken, accessTokenExpiresAt, user, reissue, serverNow: Date.now() },
    { headers: noStore },
  );
  for (const { name, value, options } of cookies) response.cookies.set(name, value, options);
  return response;
}
