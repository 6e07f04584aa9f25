import type { TestProject } from 'vitest/node';
import { findChromium } from '../e2e/chromium';

/** The adoption test builds its own app; it needs only Chromium from the shared setup. */
export default function setup(project: TestProject) {
  project.provide('chromiumPath', findChromium());
}
