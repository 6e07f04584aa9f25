/**
 * The reissue-ticket half of next-auth's credentials `authorize()`. After a reissue the browser
 * calls `signIn('credentials', { reissue: ticket })`; this accepts the ticket only if it opens
 * (sealed by this app, unexpired), is bound to the session in this request's cookie (same
 * subject and session id), is not older than that cookie (a delayed `signIn` must not roll the
 * cookie back to a rotated-out refresh token) and is presented for the first time. Nothing the
 * browser could have written is trusted.
 */
import type { CookieSource, SessionStore } from '../server/session-store';
import type { ServerReissuer } from '../server/reissuer';
import type { TicketCheck, TicketSession } from '../server/tickets';
import type { UsedTicketStore } from '../server/used-tickets';
import type { TokenPair } from '../server/auth-backend';
import type { ServerSession } from '../http/session-token-source';
import type { BaseUser } from '../types';
import { emit, type TelemetryHook, type TicketRefusalKind } from '../telemetry/events';

export interface TicketAuthorizeOptions<
  S extends ServerSession & TicketSession,
  U extends BaseUser,
> {
  /** This request's cookies (`await cookies()` inside `authorize()`). */
  cookies: CookieSource;
  store: SessionStore<S>;
  /** Opens a ticket for the session in the cookie (`createTickets(…).open`). */
  open(ticket: string, current: S | null): Promise<TicketCheck<U>>;
  reissuer: Pick<ServerReissuer<U>, 'wasRotated'>;
  usedTickets: UsedTicketStore;
  /** Told about every refusal, by kind (forged, expired, wrong session, stale, replayed). */
  telemetry?: TelemetryHook;
}

export type TicketRefusal = Extract<TicketCheck, { ok: false }>['reason'] | 'stale' | 'replayed';

export type TicketVerdict<U extends BaseUser> =
  { ok: true; tokens: TokenPair<U>; sid: string } | { ok: false; reason: TicketRefusal };

/** The refusal as the metrics name it. */
export function refusalKind(reason: TicketRefusal): TicketRefusalKind {
  if (reason === 'invalid') return 'forged';
  if (reason === 'wrong-subject' || reason === 'wrong-session') return 'wrong_session';
  return reason;
}

export async function authorizeTicket<S extends ServerSession & TicketSession, U extends BaseUser>(
  ticket: string,
  options: TicketAuthorizeOptions<S, U>,
): Promise<TicketVerdict<U>> {
  const verdict = await checkTicket(ticket, options);
  if (!verdict.ok) {
    emit(options.telemetry, { type: 'ticket_refused', reason: refusalKind(verdict.reason) });
  }
  return verdict;
}

async function checkTicket<S extends ServerSession & TicketSession, U extends BaseUser>(
  ticket: string,
  options: TicketAuthorizeOptions<S, U>,
): Promise<TicketVerdict<U>> {
  const current = await options.store.read(options.cookies);
  const opened = await options.open(ticket, current);
  if (!opened.ok) return opened;
  // open() checked the cookie's subject and session id, so there is a current session here.
  const sid = current?.sid;
  if (!current || !sid) return { ok: false, reason: 'wrong-session' };
  // The reissue route already wrote its pair into the cookie; refusing an older ticket loses
  // nothing, because the cookie is newer.
  // Rotated since: by this process, or by any when the rotation log is shared (Redis).
  const stale =
    opened.tokens.accessTokenExpiresAt < current.accessTokenExpiresAt ||
    (await options.reissuer.wasRotated(opened.tokens.refreshToken));
  if (stale) return { ok: false, reason: 'stale' };
  if (!(await options.usedTickets.claim(opened.id, opened.expiresAt))) {
    return { ok: false, reason: 'replayed' };
  }
  return { ok: true, tokens: opened.tokens, sid };
}
