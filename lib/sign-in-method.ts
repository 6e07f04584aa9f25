/**
 * How a person signs in to this deployment, as the pages and dialogs need to know it: with email
 * and password (the reference and Spring-style APIs), or at an OpenID provider (`AUTH_BACKEND=oidc`:
 * "Sign in with <name>", next-auth provider `id`). Decided on the server from lib/config.ts and
 * handed to the browser by the root layout; no secret in it.
 */
export type SignInMethod = { kind: 'password' } | { kind: 'provider'; id: string; name: string };

export const PASSWORD_SIGN_IN: SignInMethod = { kind: 'password' };

/** next-auth's id of the OpenID provider: `/api/auth/callback/oidc` is its redirect URI. */
export const OIDC_PROVIDER_ID = 'oidc';

/** Where the sign-in popup lands once the provider sent it back, signed in. */
export const POPUP_DONE_PATH = '/signin/done';

/** The message /signin/done posts to the window that opened the popup (same origin only). */
export const POPUP_SIGNED_IN = 'token-reissue:provider-signed-in';

/** Where a tab lands once signed out (after the provider's end-session page, if any). */
export const SIGNED_OUT_PATH = '/signin?reason=signedOut';
