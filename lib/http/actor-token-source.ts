import { waitFor, type Actor, type SnapshotFrom } from 'xstate';
import { NotSignedInError, ReissueUnavailableError, SessionExpiredError } from '@/lib/auth/errors';
import { authMachine, REISSUE_TIMEOUT_MS, usableToken } from '@/machines/auth.machine';
import type { TokenSource } from './auth-interceptors';

export type AuthMachineActor = Actor<typeof authMachine>;
type AuthSnapshot = SnapshotFrom<typeof authMachine>;

/** A little longer than the machine's own reissue timeout, which normally ends the wait first. */
export const ACTOR_WAIT_TIMEOUT_MS = REISSUE_TIMEOUT_MS + 2_000;

export interface ActorTokenSourceOptions {
  /** Upper bound for waiting on the actor to leave `refreshing`, counted from the first waiter. */
  waitTimeoutMs?: number;
}

/**
 * Tokens from the auth actor. Pass a function to resolve the actor at request time (the browser's
 * `getAuthActor`), so that importing an instance on the server creates no actor.
 */
export function actorTokenSource(
  actor: AuthMachineActor | (() => AuthMachineActor),
  { waitTimeoutMs = ACTOR_WAIT_TIMEOUT_MS }: ActorTokenSourceOptions = {},
): TokenSource {
  const resolve = typeof actor === 'function' ? actor : () => actor;

  /**
   * One wait per reissue, keyed by its invoked actor and shared by every request: a waitFor per
   * request would be notified of every snapshot (each coalesced TOKEN_REJECTED makes one), which
   * is quadratic in the number of waiting requests.
   */
  const waits = new WeakMap<object, Promise<AuthSnapshot>>();

  function settled(ref: AuthMachineActor): Promise<AuthSnapshot> {
    const current = ref.getSnapshot();
    if (!current.matches('refreshing')) return Promise.resolve(current);
    const reissue = current.children.reissue;
    const shared = reissue && waits.get(reissue);
    if (shared) return shared;
    // waitFor has no timeout by default; an actor stuck in `refreshing` must not hang requests.
    const wait = waitFor(ref, (snapshot) => !snapshot.matches('refreshing'), {
      timeout: waitTimeoutMs,
    }).catch(() => {
      throw new ReissueUnavailableError();
    });
    if (reissue) waits.set(reissue, wait);
    return wait;
  }

  return {
    isRenewing: () => resolve().getSnapshot().matches('refreshing'),

    async acquire() {
      const snapshot = await settled(resolve());
      const token = usableToken(snapshot);
      if (token) return token;
      throw snapshot.matches('expired') ? new SessionExpiredError() : new NotSignedInError();
    },

    async renew(rejected) {
      const ref = resolve();
      // The machine decides: the current token starts (or joins) a reissue, a stale one does not.
      ref.send({ type: 'TOKEN_REJECTED', token: rejected });
      const snapshot = await settled(ref);
      if (snapshot.matches('expired')) throw new SessionExpiredError();
      if (snapshot.matches('signedOut')) throw new NotSignedInError();
      const token = usableToken(snapshot);
      if (token && token !== rejected) return token;
      throw new ReissueUnavailableError();
    },
  };
}
