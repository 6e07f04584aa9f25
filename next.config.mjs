/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // The reference API server lives in backend/ and is never bundled into the app.
  serverExternalPackages: ['better-sqlite3'],
};

export default nextConfig;
