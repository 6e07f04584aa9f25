import { createHash } from 'node:crypto';

/**
 * Tokens are never used as keys in memory or in Redis: a dump of either must not yield a token.
 * Every store keys a token by this hash instead.
 */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
