/**
 * Which used-ticket store this process uses is configuration: its own memory for one process,
 * Redis when one is configured (a ticket claimed on one process is then refused on all).
 * The stores live in lib/core.
 */
import 'server-only';
import {
  createRedisUsedTicketStore,
  memoryUsedTicketStore,
  type UsedTicketStore,
} from 'token-reissue/server';
import { redisLink } from './redis';

const STORE = Symbol.for('token-reissue.used-tickets');

/**
 * The process's store. Next bundles modules once per route and the proxy, so the store lives on
 * `globalThis` to be one per process; built on first use.
 */
export function usedTicketStore(): UsedTicketStore {
  const holder = globalThis as typeof globalThis & { [STORE]?: UsedTicketStore };
  if (!holder[STORE]) {
    const link = redisLink();
    holder[STORE] = link ? createRedisUsedTicketStore({ link }) : memoryUsedTicketStore();
  }
  return holder[STORE];
}
