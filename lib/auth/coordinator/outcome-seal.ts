import { hkdfSync } from 'node:crypto';
import { compactDecrypt, CompactEncrypt } from 'jose';
import { z } from 'zod';
import { tokenPairSchema } from '@/lib/validations/auth';
import type { ServerReissueResult } from './types';

/**
 * Outcomes stored in Redis are encrypted (JWE dir + A256GCM). The key is derived from the app
 * secret *and* the refresh token that was presented, so reading a stored successor pair takes
 * both: a Redis dump alone yields neither the successor nor the presented token (keys are hashes).
 */
const outcomeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), tokens: tokenPairSchema }),
  z.object({
    ok: z.literal(false),
    code: z.enum(['SESSION_EXPIRED', 'REISSUE_UNAVAILABLE']),
    reason: z.string(),
  }),
]);

function outcomeKey(secret: string, refreshToken: string): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, refreshToken, 'token-reissue outcome v1', 32));
}

export async function sealOutcome(
  secret: string,
  refreshToken: string,
  outcome: ServerReissueResult,
): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(outcome)))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .encrypt(outcomeKey(secret, refreshToken));
}

/** The stored outcome, or null when it cannot be opened (another secret, tampered, malformed). */
export async function openOutcome(
  secret: string,
  refreshToken: string,
  sealed: string,
): Promise<ServerReissueResult | null> {
  try {
    const { plaintext } = await compactDecrypt(sealed, outcomeKey(secret, refreshToken), {
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
    });
    const parsed = outcomeSchema.safeParse(JSON.parse(new TextDecoder().decode(plaintext)));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
