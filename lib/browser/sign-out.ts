/**
 * Where this tab goes once signed out: asked of the server before signing out (the provider's
 * end-session URL needs the session's ID token), bounded, and the sign-in page when the answer
 * does not come. Loaded on demand (the header imports it when someone signs out): the reissue
 * client's module it takes the header name from would add zod to every page's first load.
 */
import { REISSUE_HEADER } from 'token-reissue';
import { SIGNED_OUT_PATH } from '@/lib/sign-in-method';

export async function signedOutDestination(): Promise<string> {
  try {
    const response = await fetch('/api/auth/end-session', {
      headers: { [REISSUE_HEADER]: '1' },
      signal: AbortSignal.timeout(5_000),
    });
    const { url } = (await response.json()) as { url?: unknown };
    return response.ok && typeof url === 'string' ? url : SIGNED_OUT_PATH;
  } catch {
    return SIGNED_OUT_PATH;
  }
}
