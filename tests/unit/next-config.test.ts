/**
 * Next's dev server logs a line per request unless told otherwise; the app's log keeps them for
 * LOG_LEVEL=debug, the same switch the API uses. next.config.mjs reads the environment when it
 * loads, so each case loads it in a fresh Node process.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, test } from 'vitest';
import { ROOT } from '../../scripts/stack';

function loggingWith(env: Record<string, string>): unknown {
  const config = pathToFileURL(join(ROOT, 'next.config.mjs')).href;
  const output = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { default: c } = await import(${JSON.stringify(config)}); console.log(JSON.stringify(c.logging));`,
    ],
    { env: { ...process.env, LOG_LEVEL: '', ...env }, encoding: 'utf8' },
  );
  return JSON.parse(output);
}

test("Next's per-request log is off by default and at LOG_LEVEL=info, on at LOG_LEVEL=debug", () => {
  expect(loggingWith({})).toEqual({ incomingRequests: false });
  expect(loggingWith({ LOG_LEVEL: 'info' })).toEqual({ incomingRequests: false });
  expect(loggingWith({ LOG_LEVEL: 'debug' })).toEqual({ incomingRequests: true });
});
