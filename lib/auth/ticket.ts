import 'server-only';
import { hkdfSync } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { authSecret } from '@/lib/config';
import { tokenPairSchema, type TokenPair } from '@/lib/validations/auth';

/**
 * A reissue ticket carries a freshly rotated token pair from `/api/auth/reissue` to
 * `authorize()` through the browser, which cannot read it: it is encrypted and authenticated
 * (JWE, dir + A256GCM) with a key derived from NEXTAUTH_SECRET for this purpose only, lives
 * 60 seconds, and is bound to the session's subject.
 */
export const TICKET_TTL_SECONDS = 60;
const AUDIENCE = 'token-reissue/ticket';

let key: Uint8Array | undefined;
function ticketKey(): Uint8Array {
  key ??= new Uint8Array(hkdfSync('sha256', authSecret(), '', 'token-reissue ticket v1', 32));
  return key;
}

export async function sealTicket(subject: string, tokens: TokenPair): Promise<string> {
  return new EncryptJWT({ tokens })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setSubject(subject)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${TICKET_TTL_SECONDS}s`)
    .encrypt(ticketKey());
}

export type TicketCheck =
  { ok: true; tokens: TokenPair } | { ok: false; reason: 'invalid' | 'expired' | 'wrong-subject' };

/** Opens a ticket and checks it belongs to `subject` (the subject of the request's session cookie). */
export async function openTicket(
  ticket: string,
  subject: string | undefined,
): Promise<TicketCheck> {
  try {
    const { payload } = await jwtDecrypt(ticket, ticketKey(), {
      audience: AUDIENCE,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      requiredClaims: ['sub', 'exp'],
    });
    if (!subject || payload.sub !== subject) return { ok: false, reason: 'wrong-subject' };
    const tokens = tokenPairSchema.safeParse(payload.tokens);
    if (!tokens.success || tokens.data.user.id !== subject) return { ok: false, reason: 'invalid' };
    return { ok: true, tokens: tokens.data };
  } catch (error) {
    const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
    return { ok: false, reason: expired ? 'expired' : 'invalid' };
  }
}
