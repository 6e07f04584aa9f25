import { waitFor, type Actor, type SnapshotFrom } from 'xstate';
import {
  NotSignedInError,
  ReissueUnavailableError,
  RequestRefusedError,
  SessionExpiredError,
} from '../errors';
import {
  createAuthMachine,
  REISSUE_TIMEOUT_MS,
  shouldWakeBeforeSending,
  usableToken,
  usableUntil,
} from '../../../machines/auth.machine';
import type { BaseUser } from '../types';
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
  /**
   * Traces the reissue a rejected request starts; the requests that wait for it instead of
   * starting one (after their own 401, or before leaving) are counted as joined.
   */
  tracer?: TracerOption;
}

/**
 * Tokens from the auth actor. Pass a function to resolve the actor at request time (the browser's
 * `getAuthActor`), so that importing an instance on the server creates no actor.
 *
 * Cheap on purpose: a request with a good token reads the snapshot synchronously (`peek`), and a
 * 401 that finds a reissue in flight joins it without sending the machine anything; only the
 * first 401 for the current token is an event (one macrostep for the whole burst). Whether a 401
 * is a refusal of the route rather than a dead token is the chart's call (its `isRefusal` guard):
 * the source only reads the answer.
 */
export function actorTokenSource<U extends BaseUser>(
  actor: AuthMachineActor<U> | (() => AuthMachineActor<U>),
  { waitTimeoutMs = ACTOR_WAIT_TIMEOUT_MS, tracer: tracerOption }: ActorTokenSourceOptions = {},
): TokenSource {
  const resolve = typeof actor === 'function' ? actor : () => actor;
  const tracer = resolveTracer(tracerOption);
  /** The traced reissue in flight, keyed by its invoked actor: the requests that join count. */
  const traces = new WeakMap<object, ReissueTrace>();

  /**
   * One wait per reissue, keyed by its invoked actor and shared by every request: a waitFor per
   * request would be notified of every snapshot, which is quadratic in the number of waiters.
   */
  const waits = new WeakMap<object, Promise<AuthSnapshot<U>>>();

  /**
   * A token the API rejected whose reissue then failed for now. The machine keeps it (it is
   * still the session's token, and retries on its own schedule), but no request carries it:
   * requests still waiting to leave would only be refused and start reissue after reissue,
   * ahead of the retry schedule. They fail as retryable instead, as the rejected ones did.
   */
  let dead: string | null = null;

  function usable(snapshot: AuthSnapshot<U>): string | null {
    const token = usableToken(snapshot);
    return token !== null && token === dead ? null : token;
  }

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

  /** Ends the reissue's span when the actor leaves `refreshing`, with how it went. */
  function follow(ref: AuthMachineActor<U>, traced: ReissueTrace) {
    const reissue = ref.getSnapshot().children.reissue;
    if (!reissue) {
      traced.end('unavailable', 'REISSUE_UNAVAILABLE');
      return;
    }
    traces.set(reissue, traced);
    void settled(ref).then(
      (snapshot) => {
        if (snapshot.matches('expired')) traced.end('expired', 'SESSION_EXPIRED');
        else if (snapshot.matches('authenticated') && !snapshot.context.error) {
          traced.end('rotated');
        } else traced.end('unavailable', snapshot.context.error?.code ?? 'REISSUE_UNAVAILABLE');
      },
      () => traced.end('unavailable', 'REISSUE_UNAVAILABLE'),
    );
  }

  function tokenOf(snapshot: AuthSnapshot<U>): string {
    const token = usable(snapshot);
    if (token) return token;
    if (snapshot.matches('authenticated') || snapshot.matches('refreshing')) {
      throw new ReissueUnavailableError();
    }
    throw snapshot.matches('expired') ? new SessionExpiredError() : new NotSignedInError();
  }

  return {
    isRenewing: () => resolve().getSnapshot().matches('refreshing'),

    peek() {
      const snapshot = resolve().getSnapshot();
      return shouldWakeBeforeSending(snapshot) ? null : usable(snapshot);
    },

    acquire() {
      const ref = resolve();
      // After a sleep the token may be dead before any timer noticed: reissue before sending.
      if (shouldWakeBeforeSending(ref.getSnapshot())) ref.send({ type: 'WAKE' });
      const snapshot = ref.getSnapshot();
      const now = usable(snapshot);
      if (now) return Promise.resolve(now);
      // Waiting for a reissue that replaces an unusable token: if none comes, that token is dead.
      const replacing = snapshot.matches({ refreshing: 'reactive' })
        ? snapshot.context.accessToken
        : null;
      // A request that waits for the reissue in flight before leaving joins it too.
      const inFlight = snapshot.children.reissue;
      if (inFlight) traces.get(inFlight)?.join();
      return settled(ref).then((after) => {
        if (
          replacing &&
          after.matches('authenticated') &&
          after.context.accessToken === replacing
        ) {
          dead = replacing;
        }
        return tokenOf(after);
      });
    },

    goodUntil(token) {
      const { context } = resolve().getSnapshot();
      return token === context.accessToken ? usableUntil(context, Date.now()) : undefined;
    },

    renew(rejected, { afterRenewal = false } = {}) {
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
        const inFlight = before.children.reissue;
        if (inFlight) traces.get(inFlight)?.join();
      } else {
        const reject = () =>
          ref.send({
            type: 'TOKEN_REJECTED',
            token: rejected,
            ...(afterRenewal && { afterRenewal }),
          });
        // Sent inside the reissue's trace: the reissue client reads its headers as it starts.
        const traced = tracer()?.reissue('browser-route');
        if (traced) traced.within(reject);
        else reject();
        // The chart read it as the route refusing a good token: no reissue, the session is fine.
        if (ref.getSnapshot().context.refusedCount > before.context.refusedCount) {
          traced?.end('refused', 'REQUEST_REFUSED');
          return Promise.reject(new RequestRefusedError());
        }
        if (traced) follow(ref, traced);
      }
      return settled(ref).then((snapshot) => {
        if (snapshot.matches('expired')) throw new SessionExpiredError();
        if (snapshot.matches('signedOut')) throw new NotSignedInError();
        const token = usableToken(snapshot);
        if (token && token !== rejected && token !== dead) return token;
        if (token === rejected) dead = rejected;
        throw new ReissueUnavailableError();
      });
    },
  };
}
