// @ts-check
import { COMMON_HEADERS, HSTS_HEADER, STATIC_CSP } from './lib/security/static-headers.mjs';

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Lets parallel test runs build into separate folders; `.next` otherwise.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // `npm run typecheck` checks the whole repository (tests and backend included) in CI;
  // the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Loaded from node_modules at run time, not bundled into the proxy and route bundles: one
  // prom-client (its registry is per process, not per bundle) and one OpenTelemetry API (the
  // SDK registers itself there once; Next's own spans read it from node_modules too).
  serverExternalPackages: ['ioredis', 'prom-client', '@opentelemetry/api'],
  // A line per request (every session poll included) drowned `npm run dev`'s log; as for the
  // API, LOG_LEVEL=debug brings them back.
  logging: { incomingRequests: process.env.LOG_LEVEL === 'debug' },
  async headers() {
    return [
      { source: '/:path*', headers: COMMON_HEADERS },
      {
        source: '/:path*',
        // Next fills `x-forwarded-proto` from the socket (or keeps a TLS-terminating proxy's value).
        has: [{ type: 'header', key: 'x-forwarded-proto', value: 'https' }],
        headers: [HSTS_HEADER],
      },
      // Pages get a CSP with a nonce from proxy.ts; what the proxy skips gets this one.
      ...[
        '/api/auth/:path*',
        '/api/metrics',
        '/api/telemetry/:path*',
        '/_next/:path*',
        '/:file([^/]+\\.[a-zA-Z0-9]+)',
      ].map((source) => ({
        source,
        headers: [{ key: 'Content-Security-Policy', value: STATIC_CSP }],
      })),
    ];
  },
};

export default nextConfig;
