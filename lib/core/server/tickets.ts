import { hkdfSync, randomUUID } from 'node:crypto';
import { EncryptJWT, jwtDecrypt } from 'jose';
import { z } from 'zod';
import type { BaseUser } from '../types';
import type { TokenPair } from './auth-backend';

/**
 * A reissue ticket carries a freshly rotated token pair from the reissue route to
 * `authorize()` through the browser, which cannot read it: it is encrypted and authenticated
 * (JWE, dir + A256GCM) with a key derived from the app's secret for this purpose only, lives
 * 60 seconds, is bound to the session (subject and session id) and has an id (`jti`) that
 * `authorize()` claims once.
 */
export const TICKET_TTL_SECONDS = 60;
const AUDIENCE = 'token-reissue/ticket';

/** The session a ticket is sealed for, as the session cookie names it. */
export interface TicketSession {
  sub?: string;
  sid?: string;
}

export type TicketCheck<U extends BaseUser = BaseUser> =
  | { ok: true; tokens: TokenPair<U>; id: string; expiresAt: number }
  | { ok: false; reason: 'invalid' | 'expired' | 'wrong-subject' | 'wrong-session' };

export interface TicketOptions<U extends BaseUser> {
  /** The app's secret, asked for on first use (so a build needs none). */
  secret: () => string;
  /** Validates the sealed pair on the way back in (the app's schema, with its user). */
  tokenPairSchema: z.core.$ZodType<TokenPair<U>>;
}

export function createTickets<U extends BaseUser>({ secret, tokenPairSchema }: TicketOptions<U>) {
  let key: Uint8Array | undefined;
  const ticketKey = () =>
    (key ??= new Uint8Array(hkdfSync('sha256', secret(), '', 'token-reissue ticket v1', 32)));

  return {
    seal(session: Required<TicketSession>, tokens: TokenPair<U>): Promise<string> {
      return new EncryptJWT({ tokens, sid: session.sid })
        .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
        .setSubject(session.sub)
        .setAudience(AUDIENCE)
        .setJti(randomUUID())
        .setIssuedAt()
        .setExpirationTime(`${TICKET_TTL_SECONDS}s`)
        .encrypt(ticketKey());
    },

    /** Opens a ticket and checks it belongs to `current` (the session cookie on the request). */
    async open(ticket: string, current: TicketSession | null | undefined): Promise<TicketCheck<U>> {
      try {
        const { payload } = await jwtDecrypt(ticket, ticketKey(), {
          audience: AUDIENCE,
          keyManagementAlgorithms: ['dir'],
          contentEncryptionAlgorithms: ['A256GCM'],
          requiredClaims: ['sub', 'exp', 'jti'],
        });
        if (!current?.sub || payload.sub !== current.sub) {
          return { ok: false, reason: 'wrong-subject' };
        }
        if (!current.sid || payload.sid !== current.sid) {
          return { ok: false, reason: 'wrong-session' };
        }
        const tokens = z.safeParse(tokenPairSchema, payload.tokens);
        if (!tokens.success || tokens.data.user.id !== current.sub) {
          return { ok: false, reason: 'invalid' };
        }
        return { ok: true, tokens: tokens.data, id: payload.jti!, expiresAt: payload.exp! * 1000 };
      } catch (error) {
        const expired = (error as { code?: string }).code === 'ERR_JWT_EXPIRED';
        return { ok: false, reason: expired ? 'expired' : 'invalid' };
      }
    },
  };
}
