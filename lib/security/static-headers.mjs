/**
 * The security headers that are the same for every response, loaded by `next.config.mjs`
 * outside the app's module graph (plain JavaScript, no imports). Pages get their
 * Content-Security-Policy with a per-request nonce from `proxy.ts` (`lib/security/headers.ts`);
 * what the proxy does not run for (next-auth's routes, static files) gets `STATIC_CSP`.
 */

/** @typedef {{ key: string, value: string }} Header */

/**
 * Framing, sniffing, referrers and powerful features, for every response. Only features that
 * Chromium, Firefox and Safari know are listed: an unknown one logs a console warning per page.
 * @type {Header[]}
 */
export const COMMON_HEADERS = [
  { key: 'X-Frame-Options', value: 'DENY' },
  { key: 'X-Content-Type-Options', value: 'nosniff' },
  { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
  {
    key: 'Permissions-Policy',
    value:
      'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), browsing-topics=()',
  },
];

/**
 * Sent only on responses to https requests; browsers ignore it over http anyway.
 * @type {Header}
 */
export const HSTS_HEADER = {
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
