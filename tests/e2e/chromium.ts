import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
];

/** How long the install waits for another apt-get or dpkg to release its lock. */
export const DPKG_LOCK_TIMEOUT_SECONDS = 300;

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
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/etc/debian_version')) {
    console.log('Chromium not found: installing Debian package `chromium` with apt-get…');
    // Another apt-get (unattended upgrades, a provisioning script) may hold the dpkg lock:
    // wait for it rather than fail.
    const lock = ['-o', `DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_SECONDS}`];
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', [...lock, 'update', '-qq'], { stdio: 'inherit', env });
    execFileSync(
      'apt-get',
      [...lock, 'install', '-y', '-qq', '--no-install-recommends', 'chromium'],
      { stdio: 'inherit', env },
    );
    const installed = found();
    if (installed) return installed;
  }
  throw new Error(
    'No Chromium found for the browser tests. Install one (Debian/Ubuntu: `sudo apt-get install ' +
      'chromium`; macOS: install Google Chrome) or set CHROME_PATH to its executable.',
  );
}
