import type { AuthEvent } from '@/machines/auth.machine';
import type { ClientSession, ReissueFailureCode, ReissueResult } from '@/machines/auth.types';

/** Fixed clock for tests that read context timestamps. */
export const NOW = Date.UTC(2030, 0, 1);
export const FIFTEEN_MINUTES = 15 * 60_000;

export const alice = {
  id: 'user-alice',
  email: 'alice@example.test',
  penName: 'alice',
  fieldImage: null,
};

export const bob = { ...alice, id: 'user-bob', email: 'bob@example.test', penName: 'bob' };

export function session(
  accessToken: string,
  accessTokenExpiresAt: number,
  user = alice,
): ClientSession {
  return { accessToken, accessTokenExpiresAt, user };
}

export function reissued(
  accessToken: string,
  accessTokenExpiresAt: number,
  ticket: string | null,
): ReissueResult {
  return { accessToken, accessTokenExpiresAt, user: alice, ticket };
}

/** What the `reissue` actor rejects with: an error carrying a code. */
export class ReissueFailure extends Error {
  constructor(
    readonly code: ReissueFailureCode,
    message: string = code,
  ) {
    super(message);
  }
}

/*
 * The events XState sends the machine itself when the `reissue` actor settles or a delay fires.
 * The machine's event type lists only outside events, so these are cast once here.
 */
export function reissueDone(output: ReissueResult): AuthEvent {
  return { type: 'xstate.done.actor.reissue', output } as unknown as AuthEvent;
}

export function reissueFailed(error: unknown): AuthEvent {
  return { type: 'xstate.error.actor.reissue', error } as unknown as AuthEvent;
}

export const REFRESH_DUE_EVENT = 'xstate.after.refreshDue.auth.authenticated';
export const REISSUE_TIMEOUT_EVENT = 'xstate.after.reissueTimeout.auth.refreshing';

export function refreshDue(): AuthEvent {
  return { type: REFRESH_DUE_EVENT } as unknown as AuthEvent;
}

export function reissueTimedOut(): AuthEvent {
  return { type: REISSUE_TIMEOUT_EVENT } as unknown as AuthEvent;
}
