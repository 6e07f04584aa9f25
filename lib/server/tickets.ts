/**
 * The app's reissue tickets: the core's sealer given this app's secret and token-pair schema,
 * so `authorize()` and the reissue route share one key derivation.
 */
import 'server-only';
import { authSecret } from '@/lib/config';
import { createTickets } from 'token-reissue/server';
import { tokenPairSchema } from '@/lib/validations/auth';

/** This app's reissue tickets: sealed with a key derived from NEXTAUTH_SECRET, the app's user. */
const tickets = createTickets({ secret: authSecret, tokenPairSchema });

export const sealTicket = tickets.seal;
export const openTicket = tickets.open;
export { TICKET_TTL_SECONDS, type TicketCheck, type TicketSession } from 'token-reissue/server';
