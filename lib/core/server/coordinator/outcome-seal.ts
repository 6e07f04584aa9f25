import { hkdfSync } from 'node:crypto';
import { compactDecrypt, CompactEncrypt } from 'jose';
import { z } from 'zod';
import { REISSUE_FAILURE_CODES } from '../../errors';
import type { BaseUser } from '../../types';
import type { ReissueOutcome, TokenPair } from '../auth-backend';

/** Validates the token pair in a stored outcome: the app's schema, with its user. */
export type TokenPairSchema<U extends BaseUser> = z.core.$ZodType<TokenPair<U>>;

/**
 * Outcomes stored in Redis are encrypted (JWE dir + A256GCM). The key is derived from the app
 * secret *and* the refresh token that was presented, so reading a stored successor pair takes
 * both: a Redis dump alone yields neither the successor nor the presented token (keys are hashes).
 */
function outcomeSchema<U extends BaseUser>(tokens: TokenPairSchema<U>) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), tokens }),
    z.object({ ok: z.literal(false), code: z.enum(REISSUE_FAILURE_CODES), reason: z.string() }),
  ]);
}

function outcomeKey(secret: string, refreshToken: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, refreshToken, 'token-reissue outcome v1', 32));
}

export async function sealOutcome<U extends BaseUser>(
  secret: string,
  refreshToken: string,
  outcome: ReissueOutcome<U>,
): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(outcome)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(outcomeKey(secret, refreshToken));
}

/** The stored outcome, or null when it cannot be opened (another secret, tampered, malformed). */
export async function openOutcome<U extends BaseUser>(
  secret: string,
  refreshToken: string,
  sealed: string,
  tokens: TokenPairSchema<U>,
): Promise<ReissueOutcome<U> | null> {
  try {
    const { plaintext } = await compactDecrypt(sealed, outcomeKey(secret, refreshToken), {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    const parsed = outcomeSchema(tokens).safeParse(JSON.parse(new TextDecoder().decode(plaintext)));
    return parsed.success ? (parsed.data as ReissueOutcome<U>) : null;
  } catch {
    return null;
  }
}
