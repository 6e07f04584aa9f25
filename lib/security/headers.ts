/**
 * The page Content-Security-Policy, with a per-request nonce, set by `proxy.ts` (Next reads the
 * nonce from the request's CSP header and puts it on its own scripts). The headers that are the
 * same for every response are in `static-headers.mjs`, which `next.config.mjs` loads.
 */

export interface PageCspOptions {
  nonce: string;
  /** `next dev`: React refresh evaluates code, so 'unsafe-eval' is allowed there only. */
  dev: boolean;
  /** Origins the browser calls besides the app (the API at PUBLIC_BACKEND_URL). */
  connectTo: string[];
  https: boolean;
}

/**
 * The page policy. Scripts: only those carrying this request's nonce, and what they load
 * ('strict-dynamic'; Next's chunk loader). Styles allow inline because React renders `style`
 * attributes; a style cannot run script. Images allow https for user-chosen avatars.
 */
export function pageCsp({ nonce, dev, connectTo, https }: PageCspOptions): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self'",
    `connect-src 'self' ${connectTo.join(' ')}`.trim(),
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
    ...(https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** A fresh nonce per request (128 random bits, base64). */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
