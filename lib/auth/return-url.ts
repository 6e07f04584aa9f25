/**
 * The one decision about where to send a user after sign-in or sign-up. Every redirecting
 * path (JS sign-in, the no-JS form, the already-signed-in redirect, sign-up) calls this, so
 * the browser's URL parser, not a string prefix check, decides what "same site" means: the
 * value is parsed as the browser would (`new URL(value, appOrigin)`, which also treats `\` as
 * `/` and drops tab/CR/LF), and only a result on the app's own origin is kept.
 */

/** Longer return URLs are junk or an attack; nothing in this app needs more. */
export const MAX_RETURN_URL_LENGTH = 2048;

// A placeholder origin: the answer is a path, so which origin the app really has is irrelevant,
// only that the parsed result stays on it.
const DEFAULT_ORIGIN = 'http://app.invalid';

// C0 controls, DEL and C1 controls: browsers strip or reinterpret some of them before parsing.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

// Pages that would loop back into the sign-in flow.
const AUTH_PAGES = ['/signin', '/signup', '/api/auth'];

/** A same-origin path (+ query + hash) to return to; anything else is `/`. Never throws. */
export function safeReturnUrl(value: unknown, appOrigin: string = DEFAULT_ORIGIN): string {
  if (typeof value !== 'string' || value === '' || value.length > MAX_RETURN_URL_LENGTH) return '/';
  if (CONTROL.test(value)) return '/';
  // Only paths: no scheme-relative, absolute or scheme-only values, even to our own origin.
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) return '/';
  let url: URL;
  let base: URL;
  try {
    base = new URL(appOrigin);
    url = new URL(value, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin || url.username || url.password) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.example` normalises to `//evil.example`, which a browser reads as another host.
  if (!path.startsWith('/') || path.startsWith('//')) return '/';
  if (AUTH_PAGES.some((page) => url.pathname === page || url.pathname.startsWith(`${page}/`))) {
    return '/';
  }
  return path;
}
