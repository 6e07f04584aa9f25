// Step 6b: the reissue route the browser's auth actor calls.
import { NextResponse, type NextRequest } from 'next/server';
import { REISSUE_HEADER, responseTarget } from '@/lib/core/server';
import { reissuer, sessionStore, tickets } from '@/lib/auth/server';

const noStore = { 'cache-control': 'no-store' };

export async function POST(req: NextRequest) {
  // CSRF: a cross-site form cannot send this header.
  if (req.headers.get(REISSUE_HEADER) !== '1') {
    return NextResponse.json({ error: 'FORBIDDEN' }, { status: 403, headers: noStore });
  }
  const session = await sessionStore.read(req.cookies);
  if (!session?.sub) {
    return NextResponse.json({ error: 'SESSION_EXPIRED' }, { status: 401, headers: noStore });
  }
  const outcome = await reissuer.reissue(session.refreshToken);
  if (!outcome.ok) {
    const status = outcome.code === 'SESSION_EXPIRED' ? 401 : 503;
    return NextResponse.json({ error: outcome.code }, { status, headers: noStore });
  }
  const next = { ...session, ...outcome.tokens };
  const { accessToken, accessTokenExpiresAt, user } = outcome.tokens;
  const ticket = await tickets.seal({ sub: session.sub, sid: session.sid }, outcome.tokens);
  const response = NextResponse.json(
    { accessToken, accessTokenExpiresAt, user, ticket, serverNow: Date.now() },
    { headers: noStore },
  );
  // The rotated pair is in the cookie before the browser sees the answer.
  (await sessionStore.write(req.cookies, next)).to(responseTarget(response.cookies));
  return response;
}
