import 'server-only';
import { memoryUsedTicketStore, type UsedTicketStore } from 'token-reissue/server';

/**
 * The process's used-ticket store (the core's in-process one by default). Next bundles modules
 * once per route and the proxy, so the store lives on `globalThis` to be one per process.
 */
export {
  memoryUsedTicketStore,
  USED_TICKET_CAPACITY,
  type UsedTicketStore,
} from 'token-reissue/server';

const STORE = Symbol.for('token-reissue.used-tickets');

/** The store `authorize()` claims tickets in. `setUsedTicketStore` swaps it (a shared store, or tests). */
export function usedTicketStore(): UsedTicketStore {
  const holder = globalThis as typeof globalThis & { [STORE]?: UsedTicketStore };
  holder[STORE] ??= memoryUsedTicketStore();
  return holder[STORE];
}

export function setUsedTicketStore(store: UsedTicketStore): void {
  (globalThis as typeof globalThis & { [STORE]?: UsedTicketStore })[STORE] = store;
}
