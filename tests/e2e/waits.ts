/**
 * How long browser tests wait, in one place. The suite runs on busy 2-core machines where a
 * `next start` answer or a reissue can take seconds, so no wait uses a library's 1 s default:
 * every poll goes through `eventually`, and every Playwright context gets `WAIT_MS` as its
 * default timeout (see `launchChromium` in harness.ts).
 */
import { expect as globalExpect, onTestFailed, type ExpectStatic } from 'vitest';

/** Upper bound for one expected change on the page or the API; a pass is usually far sooner. */
export const WAIT_MS = 45_000;

/**
 * `expect.poll` with a timeout sized for a loaded machine; polls often, so a pass is not slowed.
 * A wait known to take longer (an outage of a minute) may ask for more, never for less.
 */
export function eventually<T>(
  read: () => T | Promise<T>,
  options: {
    timeoutMs?: number;
    intervalMs?: number;
    message?: string;
    /** A concurrent test's own `expect` (from its context): the global one cannot poll there. */
    expect?: ExpectStatic;
  } = {},
) {
  const timeout = Math.max(WAIT_MS, options.timeoutMs ?? WAIT_MS);
  // Vitest's poll awaits each read before it checks its clock: a read that never settles (a
  // page that stopped answering) would hang the test until its own timeout, saying nothing.
  return (options.expect ?? globalExpect).poll(() => within(timeout, 'one read', read), {
    timeout,
    interval: options.intervalMs ?? 200,
    message: options.message,
  });
}

/** `work()`, or a rejection naming `what` once `ms` have passed without it settling. */
export async function within<T>(ms: number, what: string, work: () => T | Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle in ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([Promise.resolve().then(work), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Marks the steps of a test with the seconds since it began, and prints them only if it fails:
 * a test that ran out of time then says which wait it was in. Call inside the test.
 */
export function stepTrace(): (step: string) => void {
  const started = Date.now();
  const marks: string[] = [];
  onTestFailed(() => {
    console.log(`steps before the failure (s since start):\n${marks.join('\n')}`);
  });
  return (step) => {
    marks.push(`${((Date.now() - started) / 1000).toFixed(1).padStart(6)}  ${step}`);
  };
}
