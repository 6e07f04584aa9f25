import { describe, expect, it } from 'vitest';
import {
  createInProcessCoordinator,
  createServerReissuer,
  withQuickRetry,
  type ReissueBinding,
  type ReissueOutcome,
} from 'token-reissue/server';

/**
 * DPoP's binding (the browser's forwarded proof, or the key the session names) travels from the
 * reissuer through the coordinator to the adapter, with the caller that makes the call; callers
 * that join it share its outcome. A nonce demand is not retried on the server: the browser signs.
 */
const outcome = (): ReissueOutcome => ({
  ok: true,
  tokens: {
    accessToken: 'a',
    accessTokenExpiresAt: Date.now() + 60_000,
    refreshToken: 'r2',
    refreshTokenExpiresAt: Date.now() + 3_600_000,
    user: { id: 'u1' },
  },
});

describe('the reissue binding', () => {
  it('reaches the adapter through the reissuer and the in-process coordinator, from the first caller', async () => {
    const seen: (ReissueBinding | undefined)[] = [];
    const reissuer = createServerReissuer({
      backend: {
        reissue: async (_token, binding) => {
          seen.push(binding);
          await new Promise((resolve) => setTimeout(resolve, 10));
          return outcome();
        },
      },
      coordinator: (call) => createInProcessCoordinator({ reissue: call, outcomeTtlMs: 1_000 }),
    });
    await Promise.all([
      reissuer.reissue('r1', 'browser-route', { proof: 'browser-proof' }),
      reissuer.reissue('r1', 'proxy', { jkt: 'session-key' }),
    ]);
    expect(seen).toEqual([{ proof: 'browser-proof' }]);
  });

  it('the quick retry passes it on, and does not retry a nonce demand', async () => {
    const seen: (ReissueBinding | undefined)[] = [];
    const retried = withQuickRetry(async (_token, binding) => {
      seen.push(binding);
      return { ok: false, code: 'REISSUE_UNAVAILABLE', reason: 'x', dpopNonce: 'n' };
    }, 0);
    const result = await retried('r1', { proof: 'p' });
    expect(result).toMatchObject({ ok: false, dpopNonce: 'n' });
    expect(seen).toEqual([{ proof: 'p' }]);
  });
});
