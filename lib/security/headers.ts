/**
 * Every security header the app sends, defined once. Pages get a Content-Security-Policy with a
 * per-request nonce from `proxy.ts` (Next reads the nonce from the request's CSP header and puts
 * it on its own scripts); everything the proxy does not run for (next-auth's routes, static
 * files) gets the static policy from `next.config.ts`. The other headers are the same for every
 * response and are set in `next.config.ts` for all paths.
 *
 * No imports: `next.config.ts` loads this file outside the app's module graph.
 */

export interface Header {
  key: string;
  value: string;
}

/** Framing, sniffing, referrers and powerful features, for every response. */
export const COMMON_HEADERS: Header[] = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  {
    key: 'Permissions-Policy',
    value:
      'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), ' +
      'bluetooth=(), browsing-topics=()',
  },
];

/** Sent only on responses to https requests; browsers ignore it over http anyway. */
export const HSTS_HEADER: Header = {
  key: 'Strict-Transport-Security',
  value: 'max-age=63072000; includeSubDomains',
};

/** For responses that are not pages (JSON, next-auth's few HTML pages, static files). */
export const STATIC_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

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
