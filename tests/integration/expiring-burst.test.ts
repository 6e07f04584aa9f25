import { expect, it } from 'vitest';
import { runExpiringBurst } from '../support/expiring-burst';

it('1000 concurrent requests with a 5 s access token that expires while they are queued: 1000 succeed, 0 false "session ended"', async () => {
  const result = await runExpiringBurst({ requests: 1_000, tokenTtlMs: 5_000 });
  console.log(
    `1000 concurrent, 5 s token: ${result.succeeded} succeeded, ${result.sessionEnded} session ended, ` +
      `${result.otherFailures} other failures, ${result.reissues} reissues, ` +
      `${result.expiredWhileQueued} tokens expired while queued, ${result.elapsedMs.toFixed(0)} ms`,
  );

  expect(result.expiredWhileQueued).toBeGreaterThan(0); // the second 401 really happened
  expect(result.succeeded).toBe(1_000);
  expect(result.sessionEnded).toBe(0);
  expect(result.otherFailures).toBe(0);
}, 60_000);
