/**
 * The browser suite's table of real-world steps (tests/e2e/model-table.ts) checked against the
 * machine without a browser, so that a transition added without its real-world step fails in
 * the fast suite too, not only after a build and minutes of Chromium.
 */
import { describe, expect, it } from 'vitest';
import { authMachine } from '@/machines/auth.machine';
import { selectPlans } from '../e2e/model-paths';
import { unmappedEventTypes } from '../e2e/model-table';

const TTL_MS = 30_000;

describe('real-world mapping of the auth machine', () => {
  it('every event type the machine reacts to has a row in the table', () => {
    expect(unmappedEventTypes(authMachine)).toEqual([]);
  });

  it('the playable generated paths take every transition of the machine', () => {
    const { all, plans, dropped, candidates } = selectPlans(TTL_MS);
    const covered = new Set(plans.flatMap((plan) => [...plan.transitions]));
    console.log(
      `${candidates} playable paths (${dropped.length} dropped), ${plans.length} chosen:\n` +
        plans.map((plan) => `  ${Math.round(plan.cost / 1000)} s  ${plan.name}`).join('\n'),
    );
    expect(all.filter((key) => !covered.has(key))).toEqual([]);
  });
});
