import { expect, it } from 'vitest';
import { createCounterStore } from '@/backend/rate-limit-store';

function store(capacity: number) {
  let now = 1_000;
  const counters = createCounterStore({ max: 3, windowMs: 60_000, capacity, now: () => now });
  return { counters, advance: (ms: number) => (now += ms) };
}

it('limits a key after max hits in its window and says when to retry', () => {
  const { counters, advance } = store(10);
  for (let i = 0; i < 3; i += 1) expect(counters.hit('k').limited).toBe(false);
  advance(10_000);
  expect(counters.hit('k')).toEqual({ count: 4, limited: true, retryAfterMs: 50_000 });
  advance(50_000);
  expect(counters.hit('k')).toEqual({ count: 1, limited: false, retryAfterMs: 60_000 });
});

it('a flood of new keys many times the capacity evicts unlocked counters only, never a lock', () => {
  const { counters } = store(100);
  for (let i = 0; i < 3; i += 1) counters.hit('locked');
  for (let i = 0; i < 10_000; i += 1) counters.hit(`flood-${i}`);
  expect(counters.hit('locked').limited).toBe(true);
  expect(counters.size.open).toBeLessThanOrEqual(100);
  expect(counters.size.locked).toBe(1);
});

it('memory stays bounded when the locks themselves flood in: the soonest to expire goes first', () => {
  const { counters } = store(100);
  for (let i = 0; i < 1_000; i += 1) for (let n = 0; n < 3; n += 1) counters.hit(`lock-${i}`);
  expect(counters.size.locked).toBe(100);
  expect(counters.peek('lock-999').count).toBe(3);
  expect(counters.peek('lock-0').count).toBe(0);
});
