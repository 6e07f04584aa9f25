import type { SnapshotFrom } from 'xstate';
import type { browserAuthMachine } from '@/lib/browser/actor';
import { useAuthState } from './use-auth-state';

/**
 * Why this tab's session ended without the person here asking for it: `expired` (the refresh
 * token died) or `signedOut` (signed out in another tab, or the cookie is gone). Both keep what
 * the person typed and offer to sign in again in place; only `signedOut` hides private content.
 */
export type SessionEnded = 'expired' | 'signedOut' | null;

export function sessionEnded(snapshot: SnapshotFrom<typeof browserAuthMachine>): SessionEnded {
  if (snapshot.matches('expired')) return 'expired';
  if (snapshot.matches('signedOut') && snapshot.context.signedOutElsewhere) return 'signedOut';
  return null;
}

/** `sessionEnded` of the tab's actor; null on the server and until the auth runtime has loaded. */
export function useSessionEnded(): SessionEnded {
  return useAuthState(sessionEnded, null);
}
