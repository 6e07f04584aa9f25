import type { NextRequest } from 'next/server';
import { safeReturnUrl } from '@/lib/auth/return-url';
import { unavailablePage } from '@/lib/auth/unavailable-page';

/** A Server Component whose reissue failed for now lands here: 503, and a retry of its page. */
export function GET(req: NextRequest) {
  return unavailablePage(safeReturnUrl(req.nextUrl.searchParams.get('callbackUrl')));
}
