// Reissues before Server Components render (they cannot set cookies).
import type { NextRequest } from 'next/server';
import { auth } from '@/lib/auth/server';

export function proxy(req: NextRequest) {
  return auth.proxy(req);
}

export const config = {
  matcher: ['/((?!api/auth|_next/static|_next/image|favicon\\.ico).*)'],
};
