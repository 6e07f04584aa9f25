/**
 * Paths for the model-based browser suite, from the real `authMachine`: shortest paths to every
 * vertex (a state together with the transition that entered it, so every transition gets one),
 * completed until the world is at rest, then planned: which fault the proxy must apply before
 * each reissue so that it ends the way the path says. Paths the world cannot play with one fault
 * rule at a time are dropped, and a bounded set is chosen that still takes every transition.
 */
import { initialTransition, transition } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { leafStateId } from '@/app/_components/statechart/state-ids';
import { authMachine, proactiveDelay, REISSUE_TIMEOUT_MS } from '@/machines/auth.machine';
import type { FaultRule } from '../support/fault-proxy';
import { takenBy, transitionsOf, transitionKey } from '../support/machine-transitions';
import {
  ROWS,
  offeredEvents,
  rung,
  timerWins,
  type OutcomeFault,
  type Row,
  type RowKey,
  type Snapshot,
  type TaggedEvent,
} from './model-table';
import { NOW } from '../machine/fixtures';

/** Long enough that the burst's other 401s reach the machine while the reissue still runs. */
export const HOLD_MS = 2_000;
/** Long enough for a click and a burst while the reissue runs, shorter than its timeout. */
export const LONG_HOLD_MS = 7_000;
/**
 * POST /auth/reissue calls the Next server makes for one reissue that the proxy answers with a
 * 503: the call and its quick retry (REISSUE_QUICK_RETRY_MS, meant to land in the API's grace
 * window when only an answer was lost).
 */
export const SERVER_TRIES_ON_503 = 2;
/** Token lifetime on the second stack: proactive reissues every few seconds trip the breaker. */
export const SHORT_TTL_SECONDS = 5;

export interface Step {
  row: RowKey;
  event: TaggedEvent;
  before: Snapshot;
  after: Snapshot;
  /** Keys of the machine transitions this step takes. */
  transitions: string[];
}

export interface PlannedStep extends Step {
  /** Set up before performing the step: the reissue it starts must end as the path says. */
  arm?: { rule: FaultRule | null; revoke: boolean };
  /** The state after this step lasts until the test acts again (no timer or reissue pending). */
  rest: boolean;
  startsReissue: boolean;
  /** POST /auth/reissue calls at the proxy that the reissue this step starts accounts for. */
  proxyCalls: number;
  /** Estimated wall time in ms, for choosing cheap paths. */
  cost: number;
}

export interface Plan {
  name: string;
  /** Played on the second stack, whose API issues `SHORT_TTL_SECONDS` tokens. */
  shortTokens?: boolean;
  steps: PlannedStep[];
  cost: number;
  transitions: Set<string>;
}

const leaf = (snapshot: Snapshot) => leafStateId(snapshot.value);

/** What the statechart panel shows of a snapshot; a step that changes none of it cannot be checked. */
function sameView(a: Snapshot, b: Snapshot): boolean {
  const view = ({ value, context }: Snapshot) =>
    JSON.stringify([
      value,
      context.error?.code,
      context.retryAttempt,
      context.reissueCount,
      context.accessToken,
      context.breaker !== null,
      context.refusedCount > 0,
    ]);
  return view(a) === view(b);
}
const row = (key: RowKey) => ROWS[key] as Row;

function serializeState(snapshot: Snapshot, event?: TaggedEvent, previous?: Snapshot): string {
  return JSON.stringify({
    value: snapshot.value,
    error: snapshot.context.error?.code ?? null,
    retry: snapshot.context.retryAttempt,
    token: snapshot.context.accessToken,
    via: event && previous ? `${event.row}@${leaf(previous)}` : null,
  });
}

/** Runs `fn` with `Date.now()` at the time the row says its event arrives (a tab that slept). */
function atRowClock<T>(snapshot: Snapshot, event: TaggedEvent, fn: () => T): T {
  const clock = (ROWS[event.row] as Row | undefined)?.clock;
  if (!clock) return fn();
  const realNow = Date.now;
  const at = clock(snapshot);
  Date.now = () => at;
  try {
    return fn();
  } finally {
    Date.now = realNow;
  }
}

/** The real machine, its guards evaluated at each row's clock. */
const traversed = Object.create(authMachine, {
  transition: {
    value: (snapshot: Snapshot, event: TaggedEvent, scope: unknown) =>
      atRowClock(snapshot, event, () =>
        (authMachine.transition as (...args: unknown[]) => Snapshot)(snapshot, event, scope),
      ),
  },
}) as typeof authMachine;

function taken(snapshot: Snapshot, event: TaggedEvent): string[] {
  return atRowClock(snapshot, event, () => takenBy(authMachine, snapshot, event));
}

/** Offers only events that take a transition: a step that changes nothing cannot be checked. */
function events(snapshot: Snapshot): TaggedEvent[] {
  return offeredEvents(snapshot).filter((event) => taken(snapshot, event).length > 0);
}

function toStep(before: Snapshot, event: TaggedEvent): Step {
  const [after] = atRowClock(before, event, () => transition(authMachine, before, event));
  return { row: event.row, event, before, after, transitions: taken(before, event) };
}

/** The step that started the reissue running (or just ended) at the end of `steps`. */
function episodeStart(steps: Step[]): Step | undefined {
  for (let i = steps.length - 1; i >= 0; i--) {
    const step = steps[i]!;
    if (step.after.matches('refreshing') && !step.before.matches('refreshing')) return step;
  }
  return undefined;
}

/**
 * The retries of a burst at the refusing route, rejected again with the token the reissue just
 * gave them: what the world does right after that reissue, as one model event.
 */
function retriesRefused(steps: Step[]): Step | undefined {
  const last = steps.at(-1);
  if (last?.row !== 'reissueDone' || episodeStart(steps)?.row !== 'routeRefuses') return undefined;
  const token = last.after.context.accessToken!;
  const event = { type: 'TOKEN_REJECTED', token, afterRenewal: true, row: 'retriesRefused' };
  return toStep(last.after, event as TaggedEvent);
}

/**
 * Appends what the world does by itself until it rests: a pending reissue ends well, a burst at
 * the refusing route has its retries refused, a short retry timer fires.
 */
function complete(steps: Step[]): Step[] {
  const done = [...steps];
  for (let last = done.at(-1)!.after; ; last = done.at(-1)!.after) {
    const refused = retriesRefused(done);
    if (refused) {
      done.push(refused);
      continue;
    }
    const key: RowKey | undefined = last.matches('refreshing')
      ? 'reissueDone'
      : timerWins(last)
        ? 'refreshDue'
        : undefined;
    if (!key) return done;
    const event = row(key)
      .offer(last)
      .map((e) => ({ ...e, row: key }) as TaggedEvent)[0]!;
    done.push(toStep(last, event));
  }
}

export function generateStepLists(): Step[][] {
  const paths = getShortestPaths(traversed, {
    events: events as (snapshot: Snapshot) => TaggedEvent[],
    serializeState: serializeState as never,
    stopWhen: (snapshot) =>
      snapshot.context.retryAttempt > 8 || rung(snapshot.context.accessToken) > 2,
    limit: 100_000,
  });
  // Replayed from the start with pure transitions, so every step's snapshots are its own.
  return paths
    .filter((path) => path.steps.length > 1)
    .map((path) => {
      const steps: Step[] = [];
      let current = path.steps[0]!.state;
      for (const { event } of path.steps.slice(1)) {
        const step = toStep(current, event as TaggedEvent);
        steps.push(step);
        current = step.after;
      }
      return complete(steps);
    });
}

/**
 * The breaker's path, too long for the shortest-path search: sign in, then proactive reissues
 * (the timer, the API healthy) until the tab's own reissues make a storm, then the timer once
 * more. Every step is the real machine's pure transition.
 */
export function stormSteps(): Step[] {
  const steps: Step[] = [];
  const take = (key: RowKey) => {
    const before = steps.at(-1)?.after ?? initialTransition(authMachine)[0];
    const [event] = row(key).offer(before);
    if (!event) return false;
    steps.push(toStep(before, { ...event, row: key } as TaggedEvent));
    return true;
  };
  take('signIn');
  while (!take('breakerTrips')) {
    if (steps.length > 40 || !take('refreshDue') || !take('reissueDone')) {
      throw new Error('the chart never trips its breaker on proactive reissues');
    }
  }
  return steps;
}

function stepCost(step: Step, ttlMs: number): number {
  if (step.row === 'refreshDue') {
    return timerWins(step.before) ? proactiveDelay(step.before.context, NOW, 0) : ttlMs * 0.8;
  }
  if (step.row === 'reissueTimeout') return REISSUE_TIMEOUT_MS;
  if (step.row === 'sleepPastDue' || step.row === 'sleepPastExpiry') return ttlMs;
  if (step.row === 'anotherTabReissued' || step.row === 'signedOutElsewhere') return 4_000;
  if (step.row === 'signIn') return 4_000;
  return 1_000;
}

interface Episode {
  start: number;
  end: number;
  fault: OutcomeFault | 'hold' | 'revokeHold' | 'slow503' | 'longHold' | 'revokeLongHold';
  /** Entered by the retry timer right after the previous episode failed. */
  forced: boolean;
}

/** The fault proxy's rule for one run of reissues, or why it cannot be played. */
function episodesOf(steps: Step[]): Episode[] | string {
  const episodes: Episode[] = [];
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    if (!step.after.matches('refreshing') || step.before.matches('refreshing')) continue;
    let end = i + 1;
    while (end < steps.length && steps[end]!.after.matches('refreshing')) end++;
    if (end >= steps.length) return 'ends while reissuing';
    const inner = steps.slice(i + 1, end);
    const burst = step.row === 'tokenRejected' || step.row === 'routeRefuses';
    if (inner.some((s) => row(s.row).kind === 'echo') && !burst) {
      return 'a 401 during a reissue needs a request already in flight (a burst)';
    }
    const exit = row(steps[end]!.row);
    let fault: Episode['fault'] = exit.kind === 'action' ? 'drop' : (exit.fault ?? 'pass');
    // Something done by hand while the reissue runs needs the reissue held for longer.
    if (inner.some((s) => row(s.row).kind === 'action')) {
      if (fault === 'status503') return 'a reissue held for an action cannot then answer 503';
      if (fault === 'pass') fault = 'longHold';
      if (fault === 'revokeFirst') fault = 'revokeLongHold';
    }
    // A burst's 401s keep arriving for a while; its reissue is held until they all joined, or
    // a late one would start a second reissue after a quick failure.
    if (burst) {
      if (fault === 'pass') fault = 'hold';
      if (fault === 'revokeFirst') fault = 'revokeHold';
      if (fault === 'status503') fault = 'slow503';
    }
    episodes.push({
      start: i,
      end,
      fault,
      forced: step.row === 'refreshDue' && timerWins(step.before),
    });
    i = end - 1;
  }
  return episodes;
}

export function plan(steps: Step[], ttlMs: number): Plan | string {
  if (steps[0]?.row !== 'signIn' || steps.slice(1).some((s) => s.row === 'signIn')) {
    return 'a path signs in once, first';
  }
  const refusals = steps.flatMap((s, i) => (s.row === 'routeRefuses' ? [i] : []));
  const played = (i: number) =>
    steps[i + 1]?.row === 'reissueDone' && steps[i + 2]?.row === 'retriesRefused';
  if (refusals.some((i) => !played(i))) {
    return 'a burst at the refusing route is played only through its reissue and refusal';
  }
  const invisible = steps.find((s) => row(s.row).kind !== 'echo' && sameView(s.before, s.after));
  if (invisible) return `the panel cannot show ${invisible.row} from ${leaf(invisible.before)}`;
  const episodes = episodesOf(steps);
  if (typeof episodes === 'string') return episodes;

  const arms = new Map<number, PlannedStep['arm']>();
  for (let first = 0; first < episodes.length;) {
    let last = first;
    while (episodes[last + 1]?.forced) last++;
    const chain = episodes.slice(first, last + 1);
    const faults = chain.map((e) => e.fault);
    const final = faults.at(-1)!;
    const failing = (f: Episode['fault']) => f === 'status503' || f === 'slow503' || f === 'drop';
    const failingModes = [
      ...new Set(faults.filter(failing).map((f) => (f === 'slow503' ? 'status503' : f))),
    ];
    const mode = failingModes[0];
    if (failingModes.length > 1 || faults.slice(0, -1).some((f) => !failing(f))) {
      return 'retries that fail in different ways need more than one fault rule';
    }
    const path = '/auth/reissue';
    const failures = faults.filter(failing).length;
    // The retry after a timeout joins the Next server's call still held by the proxy (single
    // flight per refresh token); its quick retry, after BACKEND_TIMEOUT_MS, carries the retry.
    if (mode === 'drop' && failures > 1) return 'a second timeout would join the first held call';
    let rule: FaultRule | null = null;
    const long = final === 'longHold' || final === 'revokeLongHold';
    if (long || final === 'hold' || final === 'revokeHold') {
      if (chain.length > 1) return 'a held reissue cannot follow failed ones';
      rule = { path, mode: 'delay', ms: long ? LONG_HOLD_MS : HOLD_MS, times: 1 };
    } else if (mode === 'status503') {
      const slow = faults[0] === 'slow503';
      const times = failures * SERVER_TRIES_ON_503;
      rule = { path, mode: 'status', status: 503, times, ...(slow && { ms: HOLD_MS }) };
    } else if (mode === 'drop') {
      rule = { path, mode: 'drop', times: failures };
    }
    const revoke = final === 'revokeFirst' || final === 'revokeHold' || final === 'revokeLongHold';
    arms.set(chain[0]!.start, { rule, revoke });
    first = last + 1;
  }

  const faultAt = new Map(episodes.map((e) => [e.start, e.fault]));
  const planned = steps.map((step, i): PlannedStep => {
    const following = steps[i + 1];
    const fault = faultAt.get(i);
    return {
      ...step,
      arm: arms.get(i),
      rest: !following || row(following.row).kind === 'action',
      startsReissue: fault !== undefined,
      proxyCalls: fault === 'status503' || fault === 'slow503' ? SERVER_TRIES_ON_503 : 1,
      cost: stepCost(step, ttlMs),
    };
  });
  const name = `${planned.map((s) => `${s.row}`).join(' → ')} ⇒ ${leaf(steps.at(-1)!.after)}`;
  return {
    name,
    steps: planned,
    cost: 3_000 + planned.reduce((sum, s) => sum + s.cost, 0),
    transitions: new Set(planned.flatMap((s) => s.transitions)),
  };
}

/** Longer paths kept beyond coverage: the durability faults recovering, and signed-out-wins. */
const LONGER: Array<[string, (p: Plan) => boolean]> = [
  ['503 → retry → refreshed', (p) => follows(p, ['reissueTransient', 'refreshDue', 'reissueDone'])],
  [
    'timeout → retry → refreshed',
    (p) => follows(p, ['reissueTimeout', 'refreshDue', 'reissueDone']),
  ],
  [
    'proactive reissue before expiry',
    (p) => p.steps.some((s) => s.row === 'refreshDue' && s.before.context.error === null),
  ],
  [
    'sign-out during a reissue',
    (p) => p.steps.some((s) => s.row === 'signOut' && s.before.matches('refreshing')),
  ],
];

const covers = (plans: Plan[], key: RowKey) =>
  plans.some((p) => p.steps.some((s) => s.row === key));

function follows(p: Plan, rows: RowKey[]): boolean {
  const names = p.steps.map((s) => s.row).join(' ');
  return names.includes(rows.join(' '));
}

export interface Selection {
  all: string[];
  plans: Plan[];
  dropped: Array<{ steps: string; reason: string }>;
  candidates: number;
}

/** Greedy cover of every transition by the cheapest playable paths, plus the longer ones above. */
export function selectPlans(ttlMs: number): Selection {
  const all = transitionsOf(authMachine).map(transitionKey);
  const candidates: Plan[] = [];
  const dropped: Selection['dropped'] = [];
  for (const steps of generateStepLists()) {
    const result = plan(steps, ttlMs);
    if (typeof result === 'string')
      dropped.push({ steps: steps.map((s) => s.row).join(' → '), reason: result });
    else candidates.push(result);
  }
  const chosen: Plan[] = [];
  const uncovered = new Set(all);
  for (;;) {
    let best: Plan | undefined;
    let bestGain = 0;
    for (const candidate of candidates) {
      const gain = [...candidate.transitions].filter((t) => uncovered.has(t)).length;
      if (gain > bestGain || (gain === bestGain && gain > 0 && candidate.cost < best!.cost)) {
        best = candidate;
        bestGain = gain;
      }
    }
    if (!best) break;
    chosen.push(best);
    for (const t of best.transitions) uncovered.delete(t);
  }
  if (!covers(chosen, 'breakerTrips')) {
    const storm = plan(stormSteps(), SHORT_TTL_SECONDS * 1000);
    if (typeof storm === 'string') dropped.push({ steps: 'breaker storm', reason: storm });
    else chosen.push({ ...storm, shortTokens: true });
  }
  for (const [, wanted] of LONGER) {
    if (chosen.some(wanted)) continue;
    const cheapest = candidates.filter(wanted).sort((a, b) => a.cost - b.cost)[0];
    if (cheapest) chosen.push(cheapest);
  }
  return { all, plans: chosen, dropped, candidates: candidates.length };
}
