/**
 * Every machine here runs Node 20, and package.json promises Node >= 20.9. A dependency deep in
 * the tree that asks for a newer Node (cookie@2 wanted 22, through fastify's light-my-request)
 * makes `npm install` open with an EBADENGINE warning and may use APIs Node 20 lacks. The lock
 * file records each installed package's `engines`, so the check needs no install.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { expect, test } from 'vitest';
import { ROOT } from '../../scripts/stack';

interface LockedPackage {
  version?: string;
  engines?: { node?: string } | string[];
}

const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockedPackage>;
};

/** `[path in the lock, required Node range]` for every package that names one. */
const nodeRanges = Object.entries(lock.packages).flatMap(([path, entry]) => {
  const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
  return range ? [[path || 'this project', range] as const] : [];
});

test('the lock file records Node ranges to check', () => {
  expect(nodeRanges.length).toBeGreaterThan(100);
});

test(`every locked package accepts the running Node (${process.version})`, () => {
  const refusing = nodeRanges
    .filter(([, range]) => !semver.satisfies(process.version, range, { includePrerelease: true }))
    .map(([path, range]) => `${path} wants node ${range}`);
  expect(refusing).toEqual([]);
});
