import type { NextRequest } from 'next/server';
import { proxySession } from '@/lib/auth/proxy-session';

export function proxy(req: NextRequest) {
  return proxySession(req);
}

export const config = {
  // Pages, server actions and app API routes; not next-auth's own routes, the reissue route
  // (the browser actor owns that flow), static assets or files with an extension.
  matcher: ['/((?!api/auth|_next/static|_next/image|favicon\\.ico|.*\\.[a-zA-Z0-9]+$).*)'],
};
