import { afterEach, expect, test, vi } from 'vitest';
import { memoryUsedTicketStore } from '@/lib/core/server/used-tickets';

afterEach(() => {
  vi.useRealTimers();
});

test('a ticket id is claimed once; a replay within its lifetime is refused', async () => {
  const store = memoryUsedTicketStore();
  const expiresAt = Date.now() + 60_000;
  expect(await store.claim('t1', expiresAt)).toBe(true);
  expect(await store.claim('t1', expiresAt)).toBe(false);
  expect(await store.claim('t2', expiresAt)).toBe(true);
});

test('a replay 59 s later is still refused', async () => {
  vi.useFakeTimers({ now: Date.now(), toFake: ['Date', 'performance'] });
  const store = memoryUsedTicketStore();
  const expiresAt = Date.now() + 60_000;
  await store.claim('t1', expiresAt);
  vi.setSystemTime(Date.now() + 59_000);
  expect(await store.claim('t1', expiresAt)).toBe(false);
});

test('an already expired ticket is never claimable', async () => {
  const store = memoryUsedTicketStore();
  expect(await store.claim('old', Date.now() - 1)).toBe(false);
});

test('memory stays bounded: beyond capacity the oldest ids are dropped', async () => {
  const store = memoryUsedTicketStore(100);
  const expiresAt = Date.now() + 60_000;
  for (let i = 0; i < 1_000; i += 1) expect(await store.claim(`t${i}`, expiresAt)).toBe(true);
  expect(await store.claim('t999', expiresAt)).toBe(false);
  expect(await store.claim('t0', expiresAt)).toBe(true);
});
