import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { BackendConfig } from './config';
import type { Db } from './db';

/**
 * Opaque rotating refresh tokens grouped in families (one family per login).
 * See docs/backend.md for the reuse rules; in short:
 * - a current token rotates to a successor in the same family;
 * - the immediately previous token, replayed within the grace window while its successor
 *   is still current, gets that same successor again (no fork);
 * - any other reuse of a rotated token revokes the whole family.
 *
 * Only SHA-256 hashes are stored. Successors are derived as HMAC-SHA256(secret, parent), so
 * the server can hand the same successor out again without ever storing it in plaintext.
 */
export type ReissueResult =
  | {
      ok: true;
      outcome: 'rotated' | 'grace';
      userId: string;
      refreshToken: string;
      refreshTokenExpiresAt: number;
    }
  | { ok: false; outcome: 'reuse_detected' | 'invalid' };

export type RevokeReason = 'logout' | 'reuse_detected' | 'debug_revoked';

export interface RefreshTokens {
  /** Starts a family at login; its expiry is fixed now and never extended. */
  startFamily(userId: string): { refreshToken: string; refreshTokenExpiresAt: number };
  reissue(refreshToken: string): ReissueResult;
  /** Revokes the family the token belongs to; unknown tokens are ignored. */
  revokeFamilyOf(refreshToken: string, reason: RevokeReason): void;
  revokeAllFor(userId: string, reason: RevokeReason): void;
}

interface TokenRow {
  token_hash: string;
  family_id: string;
  expires_at: number;
  rotated_at: number | null;
}

interface FamilyRow {
  id: string;
  user_id: string;
  expires_at: number;
  revoked_at: number | null;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

export function createRefreshTokens(
  db: Db,
  secret: Buffer,
  config: Pick<BackendConfig, 'refreshTokenTtlSeconds' | 'reuseGraceSeconds'>,
): RefreshTokens {
  const successorOf = (token: string) =>
    createHmac('sha256', secret).update(token).digest('base64url');
  const graceMs = config.reuseGraceSeconds * 1000;

  const tokenByHash = db.prepare<[string], TokenRow>(
    'SELECT * FROM refresh_tokens WHERE token_hash = ?',
  );
  const childOf = db.prepare<[string], TokenRow>(
    'SELECT * FROM refresh_tokens WHERE parent_hash = ?',
  );
  const familyById = db.prepare<[string], FamilyRow>('SELECT * FROM token_families WHERE id = ?');
  const insertFamily = db.prepare(
    'INSERT INTO token_families (id, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)',
  );
  const insertToken = db.prepare(
    `INSERT INTO refresh_tokens (token_hash, family_id, parent_hash, created_at, expires_at)
     VALUES (?, ?, ?, ?, ?)`,
  );
  const markRotated = db.prepare('UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ?');
  const revokeFamily = db.prepare(
    'UPDATE token_families SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL',
  );
  const revokeUserFamilies = db.prepare(
    'UPDATE token_families SET revoked_at = ?, revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL',
  );
  // Expired families are dead either way; deleting them (and their tokens) keeps tables small.
  const purgeExpired = db.prepare('DELETE FROM token_families WHERE expires_at <= ?');

  const startFamily = db.transaction((userId: string) => {
    const now = Date.now();
    purgeExpired.run(now);
    const familyId = randomUUID();
    const expiresAt = now + config.refreshTokenTtlSeconds * 1000;
    const refreshToken = randomBytes(32).toString('base64url');
    insertFamily.run(familyId, userId, now, expiresAt);
    insertToken.run(sha256(refreshToken), familyId, null, now, expiresAt);
    return { refreshToken, refreshTokenExpiresAt: expiresAt };
  });

  const reissue = db.transaction((token: string): ReissueResult => {
    // Read the clock inside the transaction: waiting for another process's lock takes time.
    const now = Date.now();
    const row = tokenByHash.get(sha256(token));
    const family = row && familyById.get(row.family_id);
    if (
      !row ||
      !family ||
      family.revoked_at !== null ||
      family.expires_at <= now ||
      row.expires_at <= now
    ) {
      return { ok: false, outcome: 'invalid' };
    }

    const successor = successorOf(token);
    const issued = {
      ok: true as const,
      userId: family.user_id,
      refreshToken: successor,
      refreshTokenExpiresAt: family.expires_at,
    };

    if (row.rotated_at === null) {
      markRotated.run(now, row.token_hash);
      insertToken.run(sha256(successor), family.id, row.token_hash, now, family.expires_at);
      return { outcome: 'rotated', ...issued };
    }

    const child = childOf.get(row.token_hash);
    const replayOfImmediateParent =
      child !== undefined &&
      child.rotated_at === null &&
      child.token_hash === sha256(successor) &&
      now - row.rotated_at <= graceMs &&
      graceMs > 0;
    if (replayOfImmediateParent) return { outcome: 'grace', ...issued };

    revokeFamily.run(now, 'reuse_detected', family.id);
    return { ok: false, outcome: 'reuse_detected' };
  });

  return {
    startFamily: (userId) => startFamily.immediate(userId),
    // IMMEDIATE takes the write lock up front, so two processes cannot both rotate one token.
    reissue: (token) => reissue.immediate(token),
    revokeFamilyOf(token, reason) {
      const row = tokenByHash.get(sha256(token));
      if (row) revokeFamily.run(Date.now(), reason, row.family_id);
    },
    revokeAllFor(userId, reason) {
      revokeUserFamilies.run(Date.now(), reason, userId);
    },
  };
}
