/**
 * This app's proxy session step: the package's (`token-reissue/next`), told which pages are
 * public, where sign-in is and which page a transient failure shows.
 */
import 'server-only';
import type { JWT } from 'next-auth/jwt';
import { NextResponse, type NextRequest } from 'next/server';
import type { SessionStore, ServerReissuer } from 'token-reissue/server';
import { proxySessionStep } from 'token-reissue/next';
import type { SessionUser } from '@/lib/next-auth';
import { POPUP_DONE_PATH } from '@/lib/sign-in-method';
import { withTokens } from './session-claims';
import { UNAVAILABLE_PATH } from './unavailable-page';

export interface ProxySessionOptions {
  /** Reissue when the access token expires within this many milliseconds. */
  marginMs: number;
  reissuer: Pick<ServerReissuer<SessionUser>, 'reissue' | 'wasAccessTokenRejected'>;
  store: SessionStore<JWT>;
  now?: () => number;
}

const PUBLIC_PAGES = new Set(['/signin', '/signup', POPUP_DONE_PATH]);

export async function proxySession(
  req: NextRequest,
  options: ProxySessionOptions,
): Promise<NextResponse> {
  // The retry page of a failed reissue must not itself wait on (and fail) another reissue.
  if (req.nextUrl.pathname === UNAVAILABLE_PATH) return NextResponse.next();
  return proxySessionStep(req, {
    ...options,
    withTokens,
    signInPath: '/signin',
    requiresSession: (page) => !PUBLIC_PAGES.has(page.nextUrl.pathname),
  });
}
