/**
 * Installs a Debian package for the tests when it is missing, so a clean machine (CI) needs no
 * hand set-up. Only as root on Debian; elsewhere the caller explains what to install.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** How long an install waits for another apt-get or dpkg to release its lock. */
export const DPKG_LOCK_TIMEOUT_SECONDS = 300;

/** True when it ran apt-get; false when this machine is not one it can install on. */
export function installDebianPackage(name: string): boolean {
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) return false;
  console.log(`Installing the Debian package \`${name}\` with apt-get…`);
  // Another apt-get (unattended upgrades, a provisioning script) may hold the dpkg lock:
  // wait for it rather than fail.
  const lock = ['-o', `DPkg::Lock::Timeout=${DPKG_LOCK_TIMEOUT_SECONDS}`];
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', [...lock, 'update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', [...lock, 'install', '-y', '-qq', '--no-install-recommends', name], {
    stdio: 'inherit',
    env,
  });
  return true;
}
