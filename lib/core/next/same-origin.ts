/**
 * CSRF guard for the reissue route: the custom header must be present (a cross-site form cannot
 * send one), and when the browser says where the request came from (Origin, Sec-Fetch-Site), it
 * must be this host.
 */
import type { NextRequest } from 'next/server';
import { REISSUE_HEADER } from '../browser/reissue-client';

export function isSameOriginAuthRequest(req: NextRequest): boolean {
  if (req.headers.get(REISSUE_HEADER) !== '1') return false;
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin') return false;
  const origin = req.headers.get('origin');
  if (!origin) return true;
  try {
    return new URL(origin).host === req.headers.get('host');
  } catch {
    return false;
  }
}
