import type { NextConfig } from 'next';

const config: NextConfig = {
  // node_modules is a symlink to the reference project's; let Turbopack follow it.
  turbopack: { root: '/' },
};

export default config;
