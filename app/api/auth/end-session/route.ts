import { NextResponse, type NextRequest } from 'next/server';
import { isSameOriginAuthRequest } from 'token-reissue/next';
import { signedOutUrl } from '@/lib/server/sign-out';

const noStore = { 'cache-control': 'no-store' };

/**
 * Where this tab goes after it signs out (the provider's end-session page, or the sign-in page),
 * asked before signing out, while the cookie still holds the ID token. Same-origin requests with
 * the app's auth header only.
 */
export async function GET(req: NextRequest) {
  if (!isSameOriginAuthRequest(req)) {
    return NextResponse.json({ error: 'FORBIDDEN' }, { status: 403, headers: noStore });
  }
  return NextResponse.json(
    { url: await signedOutUrl(req.cookies, req.nextUrl.origin) },
    { headers: noStore },
  );
}
