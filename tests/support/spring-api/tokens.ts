/**
 * Token state of the Spring-style test API: HS256 JWTs (jose) for both tokens, the refresh
 * token's `jti` remembered with its family, and STRICT rotation: a refresh token works exactly
 * once; presenting it again revokes its whole family, as many Spring servers do.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

interface RefreshRecord {
  userId: number;
  family: string;
  used: boolean;
}

export interface ReissueCounts {
  rotated: number;
  reuseDetected: number;
  invalid: number;
}

export type RotateResult =
  | { ok: true; accessToken: string; refreshToken: string }
  | { ok: false; reason: 'invalid' | 'reused' | 'revoked' };

export function createTokenStore(options: { accessTtlSeconds: number; refreshTtlSeconds: number }) {
  const key = randomBytes(32);
  const refresh = new Map<string, RefreshRecord>();
  const revokedFamilies = new Set<string>();
  const revokedAccess = new Set<string>();
  const counts: ReissueCounts = { rotated: 0, reuseDetected: 0, invalid: 0 };

  async function sign(userId: number, ttlSeconds: number, type: 'access' | 'refresh', jti: string) {
    return new SignJWT({ typ: type })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(String(userId))
      .setJti(jti)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
      .sign(key);
  }

  async function verify(token: string, type: 'access' | 'refresh') {
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
      return payload.typ === type && payload.jti && payload.sub ? payload : null;
    } catch {
      return null;
    }
  }

  async function issue(userId: number, family: string = randomUUID()) {
    const jti = randomUUID();
    refresh.set(jti, { userId, family, used: false });
    return {
      accessToken: await sign(userId, options.accessTtlSeconds, 'access', randomUUID()),
      refreshToken: await sign(userId, options.refreshTtlSeconds, 'refresh', jti),
    };
  }

  return {
    counts,
    issue,
    /** The user id an access token stands for, or null when it is forged, expired or revoked. */
    async userOf(accessToken: string): Promise<number | null> {
      const payload = await verify(accessToken, 'access');
      if (!payload || revokedAccess.has(payload.jti!)) return null;
      return Number(payload.sub);
    },
    async revokeAccess(accessToken: string): Promise<boolean> {
      const payload = await verify(accessToken, 'access');
      if (payload) revokedAccess.add(payload.jti!);
      return payload !== null;
    },
    revokeAllFor(userId: number): void {
      for (const record of refresh.values()) {
        if (record.userId === userId) revokedFamilies.add(record.family);
      }
    },
    async rotate(refreshToken: string): Promise<RotateResult> {
      const payload = await verify(refreshToken, 'refresh');
      const record = payload ? refresh.get(payload.jti!) : undefined;
      if (!record) {
        counts.invalid += 1;
        return { ok: false, reason: 'invalid' };
      }
      if (revokedFamilies.has(record.family)) {
        counts.invalid += 1;
        return { ok: false, reason: 'revoked' };
      }
      if (record.used) {
        counts.reuseDetected += 1;
        revokedFamilies.add(record.family);
        return { ok: false, reason: 'reused' };
      }
      record.used = true;
      counts.rotated += 1;
      return { ok: true, ...(await issue(record.userId, record.family)) };
    },
    /** Logout: the family of this refresh token ends. */
    async revokeFamilyOf(refreshToken: string): Promise<void> {
      const payload = await verify(refreshToken, 'refresh');
      const record = payload ? refresh.get(payload.jti!) : undefined;
      if (record) revokedFamilies.add(record.family);
    },
  };
}
