/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Lets parallel test runs build into separate folders; `.next` otherwise.
  distDir: process.env.NEXT_DIST_DIR || '.next',
  // `npm run typecheck` checks the whole repository (tests and backend included) in CI;
  // the build need not do it again.
  typescript: { ignoreBuildErrors: true },
  // Loaded from node_modules at run time, not bundled into the proxy and route bundles.
  serverExternalPackages: ['ioredis'],
};

export default nextConfig;
