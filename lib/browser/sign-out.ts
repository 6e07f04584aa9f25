/**
 * Where this tab goes once signed out: asked of the server before signing out (the provider's
 * end-session URL needs the session's ID token), bounded, and the sign-in page when the answer
 * does not come.
 */
import { REISSUE_HEADER } from 'token-reissue';

export const SIGNED_OUT_PATH = '/signin?reason=signedOut';

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
