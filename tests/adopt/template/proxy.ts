// Step 7: server-side reissue before Server Components render, which cannot set cookies.
import { NextResponse, type NextRequest } from 'next/server';
import { forwardedRequestTarget, responseTarget } from '@/lib/core/server';
import { reissuer, sessionStore } from '@/lib/auth/server';

const MARGIN_MS = 15_000;

export async function proxy(req: NextRequest) {
  const session = await sessionStore.read(req.cookies);
  if (!session || session.accessTokenExpiresAt - Date.now() > MARGIN_MS) return NextResponse.next();
  const outcome = await reissuer.reissue(session.refreshToken);
  if (!outcome.ok) return NextResponse.next();
  const write = await sessionStore.write(req.cookies, { ...session, ...outcome.tokens });
  write.to(forwardedRequestTarget(req.cookies));
  const response = NextResponse.next({ request: { headers: req.headers } });
  write.to(responseTarget(response.cookies));
  return response;
}

export const config = {
  matcher: ['/((?!api/auth|_next/static|_next/image|favicon\\.ico).*)'],
};
