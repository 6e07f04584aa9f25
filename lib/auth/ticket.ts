import 'server-only';
import { hkdfSync, randomUUID } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { authSecret } from '@/lib/config';
import { tokenPairSchema, type TokenPair } from '@/lib/validations/auth';

/**
 * A reissue ticket carries a freshly rotated token pair from `/api/auth/reissue` to
 * `authorize()` through the browser, which cannot read it: it is encrypted and authenticated
 * (JWE, dir + A256GCM) with a key derived from NEXTAUTH_SECRET for this purpose only, lives
 * 60 seconds, is bound to the session (subject and session id) and has an id (`jti`) that
 * `authorize()` claims once.
 */
export const TICKET_TTL_SECONDS = 60;
const AUDIENCE = 'token-reissue/ticket';

let key: Uint8Array | undefined;
function ticketKey(): Uint8Array {
  key ??= new Uint8Array(hkdfSync('sha256', authSecret(), '', 'token-reissue ticket v1', 32));
  return key;
}

/** The session a ticket is sealed for, as the session cookie names it. */
export interface TicketSession {
  sub?: string;
  sid?: string;
}

export async function sealTicket(session: Required<TicketSession>, tokens: TokenPair) {
  return new EncryptJWT({ tokens, sid: session.sid })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setSubject(session.sub)
    .setAudience(AUDIENCE)
    .setJti(randomUUID())
    .setIssuedAt()
    .setExpirationTime(`${TICKET_TTL_SECONDS}s`)
    .encrypt(ticketKey());
}

export type TicketCheck =
  | { ok: true; tokens: TokenPair; id: string; expiresAt: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'wrong-subject' | 'wrong-session' };

/** Opens a ticket and checks it belongs to `current` (the session cookie on the request). */
export async function openTicket(
  ticket: string,
  current: TicketSession | null | undefined,
): Promise<TicketCheck> {
  try {
    const { payload } = await jwtDecrypt(ticket, ticketKey(), {
      audience: AUDIENCE,
      keyManagementAlgorithms: ['dir'],
      contentEncryptionAlgorithms: ['A256GCM'],
      requiredClaims: ['sub', 'exp', 'jti'],
    });
    if (!current?.sub || payload.sub !== current.sub) return { ok: false, reason: 'wrong-subject' };
    if (!current.sid || payload.sid !== current.sid) return { ok: false, reason: 'wrong-session' };
    const tokens = tokenPairSchema.safeParse(payload.tokens);
    if (!tokens.success || tokens.data.user.id !== current.sub) {
      return { ok: false, reason: 'invalid' };
    }
    return { ok: true, tokens: tokens.data, id: payload.jti!, expiresAt: payload.exp! * 1000 };
  } catch (error) {
    const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
    return { ok: false, reason: expired ? 'expired' : 'invalid' };
  }
}
