import { expect, test } from 'vitest';
import type { ReissueOutcome } from '@/lib/core/server/auth-backend';
import {
  createServerReissuer,
  type ReissueCall,
  type ReissueCoordinator,
} from '@/lib/core/server/reissuer';

// The reissuer with injected fakes: an API adapter that counts calls and a coordinator that
// shares one call per refresh token, as the in-process and Redis coordinators do.
const user = { id: 'u1' };
function pair(n: number) {
  return {
    accessToken: `access-${n}`,
    accessTokenExpiresAt: 1_000_000 + n,
    refreshToken: `refresh-${n}`,
    refreshTokenExpiresAt: 9_000_000,
    user,
  };
}

function fakeBackend(answer: (refreshToken: string) => ReissueOutcome<typeof user>) {
  const calls: string[] = [];
  return {
    calls,
    backend: {
      async reissue(refreshToken: string) {
        calls.push(refreshToken);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return answer(refreshToken);
      },
    },
  };
}

function sharingCoordinator(call: ReissueCall<typeof user>): ReissueCoordinator<typeof user> {
  const pending = new Map<string, Promise<ReissueOutcome<typeof user>>>();
  return {
    reissue(refreshToken) {
      let shared = pending.get(refreshToken);
      if (!shared) pending.set(refreshToken, (shared = call(refreshToken)));
      return shared;
    },
  };
}

test('concurrent reissues of one refresh token reach the API once through the coordinator', async () => {
  const api = fakeBackend(() => ({ ok: true, tokens: pair(2) }));
  const reissuer = createServerReissuer({ backend: api.backend, coordinator: sharingCoordinator });
  const outcomes = await Promise.all(
    Array.from({ length: 20 }, () => reissuer.reissue('refresh-1')),
  );
  expect(api.calls).toEqual(['refresh-1']);
  expect(outcomes.every((o) => o.ok && o.tokens.accessToken === 'access-2')).toBe(true);
});

test('a successful reissue marks the presented refresh token rotated; a failed one does not', async () => {
  const api = fakeBackend((token) =>
    token === 'dead'
      ? { ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' }
      : { ok: true, tokens: pair(2) },
  );
  const reissuer = createServerReissuer({ backend: api.backend, coordinator: sharingCoordinator });
  expect(await reissuer.wasRotated('refresh-1')).toBe(false);
  await reissuer.reissue('refresh-1');
  expect(await reissuer.wasRotated('refresh-1')).toBe(true);
  expect(await reissuer.reissue('dead')).toEqual({
    ok: false,
    code: 'SESSION_EXPIRED',
    reason: 'invalid_grant',
  });
  expect(await reissuer.wasRotated('dead')).toBe(false);
});

test('an outcome another process produced (the coordinator did not call here) still counts as rotated', async () => {
  const api = fakeBackend(() => ({ ok: true, tokens: pair(9) }));
  const fromElsewhere = (): ReissueCoordinator<typeof user> => ({
    reissue: async () => ({ ok: true, tokens: pair(3) }),
  });
  const reissuer = createServerReissuer({ backend: api.backend, coordinator: fromElsewhere });
  const outcome = await reissuer.reissue('refresh-1');
  expect(outcome.ok && outcome.tokens.accessToken).toBe('access-3');
  expect(api.calls).toEqual([]);
  expect(await reissuer.wasRotated('refresh-1')).toBe(true);
});

test('a provider that does not rotate hands the same refresh token back: it is not marked rotated, so its ticket is not stale', async () => {
  const api = fakeBackend((token) => ({ ok: true, tokens: { ...pair(2), refreshToken: token } }));
  const reissuer = createServerReissuer({ backend: api.backend, coordinator: sharingCoordinator });
  const outcome = await reissuer.reissue('kept');
  expect(outcome.ok && outcome.tokens.refreshToken).toBe('kept');
  expect(await reissuer.wasRotated('kept')).toBe(false);
});

test('a rejected access token is remembered until its expiry, and never once expired', async () => {
  const now = 5_000;
  const reissuer = createServerReissuer({
    backend: fakeBackend(() => ({ ok: true, tokens: pair(1) })).backend,
    coordinator: sharingCoordinator,
    now: () => now,
  });
  reissuer.noteRejectedAccessToken('revoked', now + 60);
  reissuer.noteRejectedAccessToken('already-expired', now - 1);
  expect(reissuer.wasAccessTokenRejected('revoked')).toBe(true);
  expect(reissuer.wasAccessTokenRejected('already-expired')).toBe(false);
  expect(reissuer.wasAccessTokenRejected('other')).toBe(false);
  await new Promise((resolve) => setTimeout(resolve, 120));
  expect(reissuer.wasAccessTokenRejected('revoked')).toBe(false);
});
