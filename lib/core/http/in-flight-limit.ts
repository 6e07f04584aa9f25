/**
 * At most N requests of one instance on the wire at once; the others wait here, in order. A
 * browser talks to one host over at most 6 HTTP/1.1 connections and queues the rest itself, out
 * of sight: a request handed to it with a token may leave seconds later, after that token has
 * expired. Waiting here instead, a request takes its token only when it can leave at once, so
 * the token it carries is the one that is good at that moment (see `attachAuthInterceptors`).
 */

export interface InFlightLimit {
  /** Takes a free slot at once, or returns false. */
  tryTake(): boolean;
  /**
   * Waits for a slot: at the head of the line when `first` (a retry, already under way), else at
   * its end. Rejects with `InFlightWaitError` after `timeoutMs`, or when `signal` aborts.
   */
  take(options: { first?: boolean; timeoutMs: number; signal?: AbortLike }): Promise<void>;
  /** Gives a slot back; the first waiter, if any, takes it. */
  release(): void;
  /** Requests waiting for a slot now. */
  readonly queued: number;
}

/** What an axios config's `signal` may be: a DOM `AbortSignal` or axios' generic one. */
export interface AbortLike {
  readonly aborted: boolean;
  addEventListener?: (type: 'abort', listener: () => void) => void;
  removeEventListener?: (type: 'abort', listener: () => void) => void;
}

/** Why a request gave up waiting for a slot. */
export class InFlightWaitError extends Error {
  override readonly name = 'InFlightWaitError';
  constructor(readonly reason: 'timeout' | 'aborted') {
    super(
      reason === 'timeout' ? 'Timed out waiting to be sent' : 'Aborted while waiting to be sent',
    );
  }
}

interface Waiter {
  start: () => void;
}

export function createInFlightLimit(max: number): InFlightLimit {
  if (!Number.isInteger(max) || max < 1)
    throw new RangeError(`maxInFlight must be ≥ 1, not ${max}`);
  let inFlight = 0;
  const line: Waiter[] = [];

  return {
    tryTake() {
      if (inFlight >= max || line.length > 0) return false;
      inFlight += 1;
      return true;
    },

    take({ first = false, timeoutMs, signal }) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) {
          reject(new InFlightWaitError('aborted'));
          return;
        }
        const leave = (reason: 'timeout' | 'aborted') => {
          const index = line.indexOf(waiter);
          if (index < 0) return;
          line.splice(index, 1);
          cleanup();
          reject(new InFlightWaitError(reason));
        };
        const onAbort = () => leave('aborted');
        // Every wait has a bound: a request never waits here longer than its own timeout.
        const timer = setTimeout(() => leave('timeout'), timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          signal?.removeEventListener?.('abort', onAbort);
        };
        const waiter: Waiter = {
          start: () => {
            cleanup();
            resolve();
          },
        };
        signal?.addEventListener?.('abort', onAbort);
        if (first) line.unshift(waiter);
        else line.push(waiter);
      });
    },

    release() {
      const next = line.shift();
      // The slot passes straight to the next waiter; only with nobody waiting is it freed.
      if (next) next.start();
      else inFlight = Math.max(0, inFlight - 1);
    },

    get queued() {
      return line.length;
    },
  };
}
