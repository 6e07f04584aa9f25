/**
 * Model-based tests against the real system: paths generated from the real `authMachine`
 * (tests/e2e/model-paths.ts) are replayed in Chromium against `next start`, the reference API
 * and a fault proxy between them. Each step is performed the way the table in
 * tests/e2e/model-table.ts says it happens in the real world, and after every step three things
 * are checked: the tab's actor state (the statechart panel's data attributes), the API's metrics
 * (reissue counts; no reuse detection, ever) and what the person sees (dialog, notice, posts).
 *
 * Two stacks play the paths side by side (one path at a time each, a fresh user and browser
 * context per path), a third, whose API issues 5 s tokens, the breaker's path. Tokens live 30 s
 * elsewhere so that the proactive reissue (`refreshDue`) can be waited for; the proxy's margin
 * is 2 s so page loads do not reissue on the server; the Next server waits a little longer for
 * the API than the machine's own reissue timeout, so a held answer reaches the machine as
 * `reissueTimeout`. The Next server's own quick retry of a failed call is part of the plan: a
 * 503 costs two calls at the proxy, and a path ends only when no call it started is still open.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test, type ExpectStatic } from 'vitest';
import { leafStateId } from '@/app/_components/statechart/state-ids';
import { REISSUE_TIMEOUT_MS, proactiveDelay } from '@/machines/auth.machine';
import { launchChromium, startStack, type Stack } from './harness';
import { WAIT_MS } from './waits';
import {
  selectPlans,
  SERVER_TRIES_ON_503,
  SHORT_TTL_SECONDS,
  type Plan,
  type PlannedStep,
} from './model-paths';
import { ROWS, rung, timerWins, unmappedEventTypes, type Row, type Snapshot } from './model-table';
import {
  counters,
  PathWorld,
  settleReissues,
  type Counters,
  type PanelEntry,
  type Shared,
} from './model-world';
import { authMachine } from '@/machines/auth.machine';

const TTL_SECONDS = 30;
/**
 * Paths wait on timers far more than they use the CPU, so they are played on two stacks at once
 * (each with its own API, proxy and metrics, its paths one after another), and the breaker's path
 * on a third whose API issues short tokens.
 */
const MAIN_LANES = 2;
/**
 * How long the Next server waits for the API: longer than the machine's own reissue timeout, so
 * a held answer reaches the machine as `reissueTimeout`, and short enough that the machine's
 * retry, which joins the server's held call, gets that call's quick retry well inside its own.
 */
const BACKEND_TIMEOUT_MS = REISSUE_TIMEOUT_MS + 1_000;

const selection = selectPlans(TTL_SECONDS * 1000);
/** Transition key → the paths that took it for real (after every check of that step passed). */
const exercised = new Map<string, string[]>();

let browser: Browser | undefined;
const stacks: Stack[] = [];
const lanes = { main: [] as Shared[], short: [] as Shared[] };
const free = { main: [] as Shared[], short: [] as Shared[] };
const waiting = { main: [] as Array<() => void>, short: [] as Array<() => void> };

async function startLane(ttlSeconds: number, marginSeconds: number): Promise<Shared> {
  const stack = await startStack({
    apiEnv: { ACCESS_TOKEN_TTL: String(ttlSeconds) },
    appEnv: {
      SESSION_REFRESH_MARGIN_SECONDS: String(marginSeconds),
      BACKEND_TIMEOUT_MS: String(BACKEND_TIMEOUT_MS),
    },
    faultProxy: true,
  });
  stacks.push(stack);
  return { stack, proxy: stack.proxy!, browser: browser! };
}

beforeAll(async () => {
  browser = await launchChromium();
  const needsShort = selection.plans.some((plan) => plan.shortTokens);
  const [main, short] = await Promise.all([
    Promise.all(Array.from({ length: MAIN_LANES }, () => startLane(TTL_SECONDS, 2))),
    needsShort ? startLane(SHORT_TTL_SECONDS, 1).then((lane) => [lane]) : [],
  ]);
  lanes.main = main;
  lanes.short = short;
  free.main = [...main];
  free.short = [...short];
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all(stacks.map((stack) => stack.stop()));
});

/** Plays `plan` on the first free stack of its kind; one path at a time per stack. */
async function onFreeLane(plan: Plan, expect: ExpectStatic): Promise<void> {
  const kind = plan.shortTokens ? 'short' : 'main';
  while (free[kind].length === 0) await new Promise<void>((wake) => waiting[kind].push(wake));
  const lane = free[kind].shift()!;
  try {
    await replay(plan, lane, expect);
  } finally {
    free[kind].push(lane);
    waiting[kind].shift()?.();
  }
}

/** What the machine's snapshot and the panel have in common. */
function modelView(snapshot: Snapshot) {
  const { context } = snapshot;
  return {
    state: leafStateId(snapshot.value),
    error: context.error?.code ?? '',
    retry: context.retryAttempt,
    reissues: context.reissueCount,
    breaker: context.breaker ? 'stopped' : 'on',
    refused: context.refusedCount > 0,
    token: rung(context.accessToken),
  };
}

/** The panel's entry in the same terms; the token as its rung: how many tokens it has held so far. */
function realView(log: PanelEntry[], index: number) {
  let seen = -1;
  let previous = '';
  for (const entry of log.slice(0, index + 1)) {
    if (entry.token && entry.token !== previous) {
      seen += 1;
      previous = entry.token;
    }
  }
  const entry = log[index]!;
  return {
    state: entry.state,
    error: entry.error,
    retry: entry.retry,
    reissues: entry.reissues,
    breaker: entry.breaker,
    refused: entry.refused > 0,
    token: entry.token ? seen : -1,
  };
}

const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);

function stepTimeout(step: PlannedStep): number {
  if (step.row === 'refreshDue') {
    const due = timerWins(step.before)
      ? proactiveDelay(step.before.context, Date.now(), 0)
      : TTL_SECONDS * 1000;
    return due + WAIT_MS;
  }
  if (step.row === 'reissueTimeout') return REISSUE_TIMEOUT_MS + WAIT_MS;
  return WAIT_MS;
}

/** The panel reaches the state the model says, passing through nothing else on the way. */
async function expectPanelFollows(world: PathWorld, step: PlannedStep): Promise<void> {
  const expected = modelView(step.after);
  const previous = modelView(step.before);
  // A 401 that joins the running reissue changes only the coalesced count, and the burst's
  // 401s may all have landed in the same render as the one that started the reissue.
  const joins = step.row === 'rejectedWhileRefreshing';
  const index = await world.waitForEntry(
    (entry, i) => same(realView(world.log, i), expected) && (!joins || entry.coalesced > 0),
    stepTimeout(step),
    `${step.row} to show ${JSON.stringify(expected)}`,
    joins ? Math.max(0, world.cursor) : world.cursor + 1,
  );
  for (let i = world.cursor + 1; i < index; i++) {
    expect(realView(world.log, i), `the panel on the way to step ${step.row}`).toEqual(previous);
  }
  world.cursor = index;
}

interface Expected {
  apiReissues: number;
  invalid: number;
  proxyReissues: number;
}

function delta(now: Counters, start: Counters) {
  return {
    apiReissues: now.apiReissues - start.apiReissues,
    invalid: now.invalid - start.invalid,
    reuseDetected: now.reuseDetected - start.reuseDetected,
    proxyReissues: now.proxyReissues - start.proxyReissues,
  };
}

/** API metrics and the proxy's count: one reissue per reissuing state, never a reuse detection. */
async function expectCounters(
  world: PathWorld,
  start: Counters,
  expected: Expected,
  exact: boolean,
): Promise<void> {
  if (exact) {
    await world
      .eventually(async () => {
        const { reuseDetected, ...rest } = delta(await counters(world.shared), start);
        return { ...rest, reuseDetected };
      })
      .toEqual({ ...expected, reuseDetected: 0 });
    return;
  }
  const now = delta(await counters(world.shared), start);
  expect(now.reuseDetected).toBe(0);
  // A reissue may be on its way: the proxy may not have seen it yet, the API may have answered it.
  expect(now.proxyReissues).toBeGreaterThanOrEqual(expected.proxyReissues - SERVER_TRIES_ON_503);
  expect(now.proxyReissues).toBeLessThanOrEqual(expected.proxyReissues);
  expect(now.apiReissues).toBeGreaterThanOrEqual(expected.apiReissues);
  expect(now.apiReissues).toBeLessThanOrEqual(expected.apiReissues + 1);
  expect(now.invalid).toBeLessThanOrEqual(expected.invalid + 1);
}

const visible = (world: PathWorld, locator: { isVisible: () => Promise<boolean> }, want: boolean) =>
  world.eventually(() => locator.isVisible()).toBe(want);

/** What the person sees once the step's state has settled. */
async function expectUserSees(world: PathWorld, step: PlannedStep): Promise<void> {
  const { page } = world;
  const state = step.after;
  const dialog = page.getByRole('dialog', { name: 'Your session ended' });
  const notice = page.getByTestId('reissue-notice');
  if (state.matches('signedOut')) {
    if (step.row === 'signOut') {
      await page.waitForURL(/\/signin\?reason=signedOut/, { timeout: WAIT_MS });
      await visible(world, page.getByText('You are signed out.'), true);
    } else {
      await visible(
        world,
        page.getByRole('navigation').getByRole('link', { name: 'Sign in' }),
        true,
      );
      await visible(world, dialog, false);
      // Signed out in another tab: this tab says so and offers to sign in again in place.
      const signedOut = page.getByRole('dialog', { name: 'You were signed out' });
      await visible(world, signedOut, true);
    }
    return;
  }
  if (state.matches('expired')) {
    await visible(world, dialog, true);
    await visible(world, notice, false);
    return;
  }
  await visible(world, dialog, false);
  await visible(world, notice, state.context.error?.code === 'REISSUE_UNAVAILABLE');
}

/**
 * The 20 requests whose 401s started a reissue: all succeed with the new token when it comes;
 * when it fails for now they fail with the retryable error, except any whose 401 came late
 * enough to join the retry; none succeeds once the session is dead.
 */
async function expectBurstSettled(world: PathWorld, step: PlannedStep): Promise<void> {
  if (!world.burstInFlight || step.after.matches('refreshing')) return;
  world.burstInFlight = false;
  if (step.row === 'signOut') return; // the page has left for the sign-in page
  const outcome =
    step.row === 'reissueDone'
      ? /^Burst \d+: 20 succeeded, 0 failed\.$/
      : step.after.matches('expired') || step.after.matches('signedOut')
        ? /^Burst \d+: 0 succeeded, 20 failed/
        : /^Burst \d+: (1?\d) succeeded, ([1-9]\d?) failed \(Could not renew your session right now/;
  await world
    .eventually(() => world.page.getByTestId('burst-result').textContent())
    .toMatch(outcome);
}

/**
 * A burst at the route that refuses every token: all 20 fail as refused (the typed error, shown
 * as such), the person is still signed in, and nothing says the session ended.
 */
async function expectRefusalShown(world: PathWorld, step: PlannedStep): Promise<void> {
  if (step.row !== 'retriesRefused' || !world.refusedBurstInFlight) return;
  world.refusedBurstInFlight = false;
  const { page } = world;
  await world
    .eventually(() => page.getByTestId('refused-result').textContent())
    .toMatch(
      /^Refusing route, burst \d+: 0 succeeded, 20 refused, 0 failed otherwise \(REQUEST_REFUSED: /,
    );
  expect(await page.getByTestId('header-pen-name').textContent()).toBe(world.user.penName);
  expect(await page.getByTestId('session-ended-banner').count()).toBe(0);
  expect(await page.getByRole('dialog').count()).toBe(0);
}

/** The person's posts, on the home page, once the path ends signed in. */
async function expectPosts(world: PathWorld): Promise<void> {
  await world.page.getByRole('navigation').getByRole('link', { name: 'Posts' }).click();
  await visible(world, world.page.getByText(world.postTitle), true);
}

/**
 * Once the breaker tripped, the panel says why, and no proactive reissue follows: the API sees
 * no reissue for two of the short tokens' lifetimes, though the token has run out meanwhile.
 */
async function expectBreakerHolds(world: PathWorld, start: Counters, expected: Expected) {
  await world
    .eventually(() => world.page.getByTestId('breaker').textContent())
    .toMatch(/^stopped: \d+ reissues within 60 s/);
  await new Promise((resolve) => setTimeout(resolve, 2 * SHORT_TTL_SECONDS * 1000));
  expect(delta(await counters(world.shared), start)).toEqual({ ...expected, reuseDetected: 0 });
  expect(world.log.at(-1)).toMatchObject({ state: 'authenticated.refreshed', breaker: 'stopped' });
}

async function replay(plan: Plan, shared: Shared, expect: ExpectStatic): Promise<void> {
  const label = String(selection.plans.indexOf(plan) + 1);
  const world = await PathWorld.open(shared, label, expect);
  const start = await counters(shared);
  const expected: Expected = { apiReissues: 0, invalid: 0, proxyReissues: 0 };
  try {
    for (const step of plan.steps) {
      if (step.arm) {
        if (step.arm.revoke) {
          const response = await fetch(`${shared.stack.api.url}/debug/revoke-sessions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email: world.user.email }),
          });
          expect(response.status).toBe(204);
        }
        shared.proxy.setFault(step.arm.rule);
      }
      await (ROWS[step.row] as Row).perform(world);

      if (step.startsReissue) expected.proxyReissues += step.proxyCalls;
      if (step.row === 'reissueDone') expected.apiReissues += 1;
      if (step.row === 'reissueDead') expected.invalid += 1;
      if (step.row === 'anotherTabReissued') {
        expected.apiReissues += 1;
        expected.proxyReissues += 1;
      }

      await expectPanelFollows(world, step);
      await expectCounters(world, start, expected, step.rest);
      if (step.rest) await expectUserSees(world, step);
      await expectBurstSettled(world, step);
      await expectRefusalShown(world, step);
      for (const key of step.transitions) {
        exercised.set(key, [...(exercised.get(key) ?? []), plan.name]);
      }
    }
    const last = plan.steps.at(-1)!.after;
    if (last.context.breaker) {
      await expectBreakerHolds(world, start, expected);
    } else if (last.matches('authenticated') && !last.context.error) {
      await expectPosts(world);
      await expectCounters(world, start, expected, true);
    }
  } catch (error) {
    const reissues = shared.proxy
      .stats()
      .requests.filter((r) => r.path.startsWith('/auth/reissue'))
      .map((r) => `${new Date(r.at).toISOString()} ${r.mode} → ${r.upstreamStatus ?? '-'}`);
    const metrics = delta(await counters(shared), start);
    throw new Error(
      `${error instanceof Error ? error.message : String(error)}\n` +
        `panel log:\n  ${world.log.map((e) => JSON.stringify(e)).join('\n  ')}\n` +
        `POST /auth/reissue at the proxy (all paths):\n  ${reissues.slice(-8).join('\n  ')}\n` +
        `metrics since the path began: ${JSON.stringify(metrics)}`,
      { cause: error },
    );
  } finally {
    shared.proxy.setFault(null);
    await world.close();
    await settleReissues(shared, BACKEND_TIMEOUT_MS + WAIT_MS);
  }
}

describe('the chart, played against the real stack', () => {
  test('every event the machine reacts to has a real-world step, and the chosen paths take every transition', () => {
    expect(unmappedEventTypes(authMachine)).toEqual([]);
    const covered = new Set(selection.plans.flatMap((plan) => [...plan.transitions]));
    console.log(
      `model paths: ${selection.candidates} playable, ${selection.dropped.length} not playable ` +
        `with one fault rule at a time, ${selection.plans.length} chosen ` +
        `(~${Math.round(selection.plans.reduce((sum, p) => sum + p.cost, 0) / 1000)} s)`,
    );
    expect(selection.all.filter((key) => !covered.has(key))).toEqual([]);
  });

  // Longest first, so that the stacks finish together; a path may wait for a stack to be free.
  const byCost = [...selection.plans].sort(
    (a, b) => Number(b.shortTokens ?? false) - Number(a.shortTokens ?? false) || b.cost - a.cost,
  );
  test.concurrent.for(
    byCost.map((plan) => [`${selection.plans.indexOf(plan) + 1}: ${plan.name}`, plan] as const),
  )('path %s', { timeout: 360_000 }, async ([, plan], { expect }) => {
    await onFreeLane(plan, expect);
  });

  test('every transition of the machine was exercised against the real system', () => {
    const rows = selection.all.map((key) => {
      const paths = exercised.get(key) ?? [];
      return `  ${paths.length > 0 ? '✓' : '✗'} ${key}  (${paths.length} path${paths.length === 1 ? '' : 's'})`;
    });
    console.log(`transitions exercised against the real system:\n${rows.join('\n')}`);
    console.log(
      `real-world steps:\n${Object.entries(ROWS)
        .map(([key, row]) => `  ${key}: ${(row as Row).real}`)
        .join('\n')}`,
    );
    expect(selection.all.filter((key) => !exercised.has(key))).toEqual([]);
  });
});
