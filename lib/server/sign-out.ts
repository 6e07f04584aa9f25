/**
 * Where the browser goes once signed out. With an OpenID provider that advertises an
 * end_session_endpoint, to the provider first (RP-initiated logout: its own session ends too,
 * with the session's ID token as `id_token_hint`), which sends it back to the sign-in page;
 * otherwise straight to the sign-in page. The refresh token was revoked by the sign-out itself
 * (`backend.logout`, RFC 7009 for a provider).
 */
import 'server-only';
import type { CookieSource } from 'token-reissue/server';
import { config } from '@/lib/config';
import { SIGNED_OUT_PATH } from '@/lib/sign-in-method';
import { oidcBackend } from './backend';
import { sessionStore } from './session-store';

/** Read before the cookie is cleared: the ID token hint is in the session. */
export async function signedOutUrl(cookies: CookieSource, requestOrigin: string): Promise<string> {
  const oidc = oidcBackend();
  if (!oidc) return SIGNED_OUT_PATH;
  let back: string;
  try {
    back = new URL(SIGNED_OUT_PATH, config().NEXTAUTH_URL ?? requestOrigin).href;
  } catch {
    return SIGNED_OUT_PATH;
  }
  const session = await sessionStore().read(cookies);
  const url = await oidc.endSessionUrl({ idToken: session?.idToken, postLogoutRedirectUri: back });
  return url ?? SIGNED_OUT_PATH;
}
