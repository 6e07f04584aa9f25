import { waitFor, type Actor, type SnapshotFrom } from 'xstate';
import { NotSignedInError, ReissueUnavailableError, SessionExpiredError } from '../errors';
import {
  createAuthMachine,
  REISSUE_TIMEOUT_MS,
  shouldWakeBeforeSending,
  usableToken,
} from '../../../machines/auth.machine';
import type { BaseUser } from '../types';
import type { ReissueOutcomeKind } from '../telemetry/events';
import { resolveTracer, type ReissueTrace, type TracerOption } from '../telemetry/tracer';
import type { TokenSource } from './interceptors';

/** An actor of the auth machine for the app's user type. */
export type AuthMachineActor<U extends BaseUser = BaseUser> = Actor<
  ReturnType<typeof createAuthMachine<U>>
>;
type AuthSnapshot<U extends BaseUser> = SnapshotFrom<ReturnType<typeof createAuthMachine<U>>>;

/** A little longer than the machine's own reissue timeout, which normally ends the wait first. */
export const ACTOR_WAIT_TIMEOUT_MS = REISSUE_TIMEOUT_MS + 2_000;

export interface ActorTokenSourceOptions {
  /** Upper bound for waiting on the actor to leave `refreshing`, counted from the first waiter. */
  waitTimeoutMs?: number;
  /** Traces the reissue a rejected request starts (the requests that join it are counted). */
  tracer?: TracerOption;
}

/**
 * Tokens from the auth actor. Pass a function to resolve the actor at request time (the browser's
 * `getAuthActor`), so that importing an instance on the server creates no actor.
 *
 * Cheap on purpose: a request with a good token reads the snapshot synchronously (`peek`), and a
 * 401 that finds a reissue in flight joins it without sending the machine anything; only the
 * first 401 for the current token is an event (one macrostep for the whole burst).
 */
export function actorTokenSource<U extends BaseUser>(
  actor: AuthMachineActor<U> | (() => AuthMachineActor<U>),
  { waitTimeoutMs = ACTOR_WAIT_TIMEOUT_MS, tracer: tracerOption }: ActorTokenSourceOptions = {},
): TokenSource {
  const resolve = typeof actor === 'function' ? actor : () => actor;
  const tracer = resolveTracer(tracerOption);
  /** The traced reissue in flight, keyed like `waits`: joiners count on it. */
  const traces = new WeakMap<object, ReissueTrace>();

  /**
   * One wait per reissue, keyed by its invoked actor and shared by every request: a waitFor per
   * request would be notified of every snapshot, which is quadratic in the number of waiters.
   */
  const waits = new WeakMap<object, Promise<AuthSnapshot<U>>>();

  function settled(ref: AuthMachineActor<U>): Promise<AuthSnapshot<U>> {
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

  /** How the traced reissue ended, as the span says it. */
  function traceOutcome(snapshot: AuthSnapshot<U>): [ReissueOutcomeKind, string | undefined] {
    if (snapshot.matches('expired')) return ['expired', 'SESSION_EXPIRED'];
    if (snapshot.matches('authenticated') && !snapshot.context.error) {
      return ['rotated', undefined];
    }
    return ['unavailable', snapshot.context.error?.code ?? 'REISSUE_UNAVAILABLE'];
  }

  function tokenOf(snapshot: AuthSnapshot<U>): string {
    const token = usableToken(snapshot);
    if (token) return token;
    throw snapshot.matches('expired') ? new SessionExpiredError() : new NotSignedInError();
  }

  return {
    isRenewing: () => resolve().getSnapshot().matches('refreshing'),

    peek() {
      const snapshot = resolve().getSnapshot();
      return shouldWakeBeforeSending(snapshot) ? null : usableToken(snapshot);
    },

    acquire() {
      const ref = resolve();
      // After a sleep the token may be dead before any timer noticed: reissue before sending.
      if (shouldWakeBeforeSending(ref.getSnapshot())) ref.send({ type: 'WAKE' });
      const snapshot = ref.getSnapshot();
      const now = usableToken(snapshot);
      if (now) return Promise.resolve(now);
      return settled(ref).then(tokenOf);
    },

    renew(rejected) {
      const ref = resolve();
      const before = ref.getSnapshot();
      const current = before.context.accessToken;
      if (current !== rejected && before.matches('authenticated') && current) {
        return Promise.resolve(current); // a stale token: retry with the current one
      }
      // The first 401 for the current token starts (or turns reactive) the one reissue; later
      // ones find it in flight and only wait.
      const joins = before.matches({ refreshing: 'reactive' }) || current !== rejected;
      if (joins) {
        const reissue = before.children.reissue;
        if (reissue) traces.get(reissue)?.join();
      } else {
        const traced = tracer()?.reissue('browser-route');
        // Sent inside the trace: the reissue client reads its headers while the event runs.
        const reject = () => ref.send({ type: 'TOKEN_REJECTED', token: rejected });
        if (traced) traced.within(reject);
        else reject();
        const reissue = ref.getSnapshot().children.reissue;
        if (traced && reissue) {
          traces.set(reissue, traced);
          void settled(ref).then(
            (snapshot) => {
              const [outcome, errorType] = traceOutcome(snapshot);
              traced.end(outcome, errorType);
            },
            () => traced.end('unavailable', 'REISSUE_UNAVAILABLE'),
          );
        } else {
          traced?.end('unavailable', 'REISSUE_UNAVAILABLE');
        }
      }
      return settled(ref).then((snapshot) => {
        if (snapshot.matches('expired')) throw new SessionExpiredError();
        if (snapshot.matches('signedOut')) throw new NotSignedInError();
        const token = usableToken(snapshot);
        if (token && token !== rejected) return token;
        throw new ReissueUnavailableError();
      });
    },
  };
}
