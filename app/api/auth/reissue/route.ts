import type { NextRequest } from 'next/server';
import { reissueResponse } from 'token-reissue/next';
import { serverReissuer } from '@/lib/server/reissuer';
import { withTokens } from '@/lib/server/session-claims';
import { sessionStore } from '@/lib/server/session-store';
import { sealTicket } from '@/lib/server/tickets';

/**
 * Rotates the session's refresh token, writes the new pair into the session cookie in this same
 * response, and hands the browser the new access token plus a sealed ticket (the package's
 * reissue route, given this app's store, reissuer and tickets).
 */
export function POST(req: NextRequest) {
  return reissueResponse(req, {
    store: sessionStore(),
    reissuer: serverReissuer(),
    seal: sealTicket,
    withTokens,
  });
}
