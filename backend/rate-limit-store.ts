/**
 * Fixed-window counters in bounded memory that a flood cannot flush. A counter that reached its
 * limit ("locked") moves to a separate table, so the cheap requests of a flood, which create
 * counters far below the limit, only ever evict other unlocked counters, never a lock. The
 * lock table is bounded too; when it is full, the lock that expires soonest goes first (all
 * counters of one store share a window, so insertion order is expiry order).
 */
export interface Hit {
  /** Hits in the current window, this one included. */
  count: number;
  /** True when `count` exceeds `max`. */
  limited: boolean;
  /** Milliseconds until the window resets. */
  retryAfterMs: number;
}

interface Counter {
  count: number;
  resetAt: number;
}

export interface CounterStore {
  /** Counts one hit for `key` and says whether it is over the limit. */
  hit(key: string): Hit;
  /** The current count without counting. */
  peek(key: string): Hit;
  readonly size: { open: number; locked: number };
}

export interface CounterStoreOptions {
  max: number;
  windowMs: number;
  /** Upper bound for each of the two tables. */
  capacity: number;
  now?: () => number;
}

export function createCounterStore({
  max,
  windowMs,
  capacity,
  now = Date.now,
}: CounterStoreOptions): CounterStore {
  const open = new Map<string, Counter>();
  const locked = new Map<string, Counter>();

  function current(key: string, at: number): Counter | undefined {
    for (const table of [locked, open]) {
      const counter = table.get(key);
      if (!counter) continue;
      if (counter.resetAt > at) return counter;
      table.delete(key);
    }
    return undefined;
  }

  function evictOldest(table: Map<string, Counter>) {
    const oldest = table.keys().next();
    if (!oldest.done) table.delete(oldest.value);
  }

  function answer(counter: Counter | undefined, at: number): Hit {
    const count = counter?.count ?? 0;
    return { count, limited: count > max, retryAfterMs: counter ? counter.resetAt - at : 0 };
  }

  return {
    hit(key) {
      const at = now();
      let counter = current(key, at);
      if (!counter) {
        counter = { count: 0, resetAt: at + windowMs };
        if (open.size >= capacity) evictOldest(open);
        open.set(key, counter);
      }
      counter.count += 1;
      if (counter.count >= max && open.get(key) === counter) {
        open.delete(key);
        if (locked.size >= capacity) evictOldest(locked);
        locked.set(key, counter);
      }
      return answer(counter, at);
    },
    peek(key) {
      const at = now();
      return answer(current(key, at), at);
    },
    get size() {
      return { open: open.size, locked: locked.size };
    },
  };
}
