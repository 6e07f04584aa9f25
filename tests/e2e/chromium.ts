import { existsSync } from 'node:fs';
import { installDebianPackage } from '../support/debian-package';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

function found(): string | undefined {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`CHROME_PATH=${fromEnv} does not exist.`);
    return fromEnv;
  }
  return CANDIDATES.find((path) => existsSync(path));
}

/**
 * The Chromium the browser tests drive: CHROME_PATH, then the usual system paths. As root on
 * Debian it installs Debian's `chromium` package when none is found (Playwright's own browser
 * download is not used: it needs hosts this project cannot rely on).
 */
export function findChromium(): string {
  const existing = found();
  if (existing) return existing;
  if (installDebianPackage('chromium')) {
    const installed = found();
    if (installed) return installed;
  }
  throw new Error(
    'No Chromium found for the browser tests. Install one (Debian/Ubuntu: `sudo apt-get install ' +
      'chromium`; macOS: install Google Chrome) or set CHROME_PATH to its executable.',
  );
}
