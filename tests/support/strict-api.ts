import { randomBytes } from 'node:crypto';
import type { ReissueCall } from '@/lib/core/server/coordinator/types';
import type { SessionUser } from '@/lib/next-auth';

const USER = { id: 'u1', email: 'demo@example.com', penName: 'Demo Writer', fieldImage: null };

/**
 * A strict rotating API in memory, for unit tests of the coordinators: each refresh token works
 * once; presenting a rotated one again is reuse (the session ends). Counts its calls.
 */
export function strictApi(options: { delayMs?: number } = {}) {
  const live = new Set<string>();
  const api = {
    calls: 0,
    reuse: 0,
    issue(): string {
      const token = `rt-${randomBytes(16).toString('hex')}`;
      live.add(token);
      return token;
    },
    reissue: (async (refreshToken) => {
      api.calls++;
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 30));
      if (!live.delete(refreshToken)) {
        api.reuse++;
        return { ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' };
      }
      const now = Date.now();
      return {
        ok: true,
        tokens: {
          accessToken: `at-${randomBytes(16).toString('hex')}`,
          accessTokenExpiresAt: now + 60_000,
          refreshToken: api.issue(),
          refreshTokenExpiresAt: now + 3_600_000,
          user: USER,
        },
      };
    }) as ReissueCall<SessionUser>,
  };
  return api;
}
