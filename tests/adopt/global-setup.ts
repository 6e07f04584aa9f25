import type { TestProject } from 'vitest/node';
import { buildPackage } from '../../scripts/package';
import { findChromium } from '../e2e/chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The tarball `npm run package` wrote for this run. */
    tarball: string;
  }
}

/** The adoption tests install the package this run builds (`npm run package`), and need Chromium. */
export default async function setup(project: TestProject) {
  project.provide('chromiumPath', findChromium());
  const tarball = await buildPackage();
  console.log(`Packaged ${tarball}`);
  project.provide('tarball', tarball);
}
