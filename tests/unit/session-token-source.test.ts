import { expect, test } from 'vitest';
import { NotSignedInError, ReissueUnavailableError, SessionExpiredError } from '@/lib/core/errors';
import { sessionTokenSource } from '@/lib/core/http/session-token-source';
import type { ReissueOutcome } from '@/lib/core/server/auth-backend';

// The server token source with injected fakes: the request's session held in a variable, a
// reissuer that counts, and a save that records what it would persist.
const user = { id: 'u1' };
interface Session {
  sid: string;
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
}

function world(outcome: ReissueOutcome<typeof user>, start: Session | null = session(1)) {
  let latest = start;
  const reissued: string[] = [];
  const noted: string[] = [];
  const saved: Session[] = [];
  const source = sessionTokenSource<Session, typeof user>({
    session: async () => latest,
    reissuer: {
      async reissue(refreshToken) {
        reissued.push(refreshToken);
        return outcome;
      },
      noteRejectedAccessToken: (token) => void noted.push(token),
    },
    withTokens: (s, tokens) => ({ ...s, ...tokens }),
    async save(s) {
      latest = s;
      saved.push(s);
    },
  });
  return { source, reissued, noted, saved };
}

function session(n: number): Session {
  return {
    sid: 'session-a',
    accessToken: `access-${n}`,
    accessTokenExpiresAt: Date.now() + 60_000,
    refreshToken: `refresh-${n}`,
  };
}
const renewed = {
  ok: true as const,
  tokens: { ...session(2), refreshTokenExpiresAt: Date.now() + 3_600_000, user },
};

test('acquire carries the session access token, and fails typed without a session', async () => {
  expect(await world(renewed).source.acquire()).toBe('access-1');
  await expect(world(renewed, null).source.acquire()).rejects.toBeInstanceOf(NotSignedInError);
});

test('a rejected current token is reissued once, saved with the same claims, and the new token returned', async () => {
  const w = world(renewed);
  expect(await w.source.renew('access-1')).toBe('access-2');
  expect(w.reissued).toEqual(['refresh-1']);
  expect(w.noted).toEqual(['access-1']);
  expect(w.saved).toHaveLength(1);
  expect(w.saved[0]).toMatchObject({
    sid: 'session-a',
    accessToken: 'access-2',
    refreshToken: 'refresh-2',
  });
  // A later request in the same scope, still holding the old token, retries without a reissue.
  expect(await w.source.renew('access-1')).toBe('access-2');
  expect(w.reissued).toEqual(['refresh-1']);
});

test('a stale token retries with the session current one and reissues nothing', async () => {
  const w = world(renewed);
  expect(await w.source.renew('access-0')).toBe('access-1');
  expect(w.reissued).toEqual([]);
  expect(w.saved).toEqual([]);
});

test('a dead refresh token ends as SessionExpiredError, a transient failure as ReissueUnavailableError, neither saved', async () => {
  const dead = world({ ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' });
  await expect(dead.source.renew('access-1')).rejects.toBeInstanceOf(SessionExpiredError);
  const transient = world({ ok: false, code: 'REISSUE_UNAVAILABLE', reason: '503' });
  await expect(transient.source.renew('access-1')).rejects.toBeInstanceOf(ReissueUnavailableError);
  expect([...dead.saved, ...transient.saved]).toEqual([]);
});
