/**
 * Counts of an authenticated instance's requests as they wait, retry and fail, for the live
 * panel: a tiny external store shaped for React's `useSyncExternalStore`.
 */
import { isAuthRequestError } from '../errors';

export interface AuthTraffic {
  /** Requests currently waiting on a reissue (before sending, or after a 401). */
  readonly waiting: number;
  /** Requests retried with a reissued token, since start. */
  readonly retried: number;
  /** Requests that ended with an `AuthRequestError`, since start. */
  readonly failed: number;
  /** 401s that joined a reissue already in flight instead of starting one, since start. */
  readonly coalesced: number;
}

/** Shaped for React's `useSyncExternalStore(store.subscribe, store.getSnapshot)`. */
export interface AuthTrafficStore {
  subscribe(listener: () => void): () => void;
  getSnapshot(): AuthTraffic;
}

/** The store and the counting helpers the interceptors use; only the store is handed out. */
export function createTrafficStore() {
  let snapshot: AuthTraffic = { waiting: 0, retried: 0, failed: 0, coalesced: 0 };
  const listeners = new Set<() => void>();
  const update = (change: Partial<AuthTraffic>) => {
    snapshot = { ...snapshot, ...change };
    for (const listener of listeners) listener();
  };
  const count = (counter: 'retried' | 'failed' | 'coalesced') =>
    update({ [counter]: snapshot[counter] + 1 });

  return {
    subscribe(listener: () => void) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    getSnapshot: () => snapshot,
    count,
    whileWaiting<T>(promise: Promise<T>): Promise<T> {
      update({ waiting: snapshot.waiting + 1 });
      return promise.finally(() => update({ waiting: snapshot.waiting - 1 }));
    },
    countingFailures<T>(promise: Promise<T>): Promise<T> {
      return promise.catch((error: unknown) => {
        if (isAuthRequestError(error)) count('failed');
        throw error;
      });
    },
  };
}
