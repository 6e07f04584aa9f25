/**
 * Model-based tests: `xstate/graph` walks the real auth machine, and every generated path is
 * replayed against a live actor whose `reissue` is a promise the test settles by hand. The
 * invariants below are checked after every step.
 *
 * `createTestModel` refuses machines with `invoke`/`after`, so the paths come from
 * `getShortestPaths`/`getSimplePaths`, with the actor's own events (`xstate.done.actor.reissue`,
 * `xstate.error.actor.reissue`, `xstate.after.*`) modelled as ordinary events. The live actor
 * receives those by settling the promise or advancing a simulated clock, never by `send`.
 */
import { describe, expect, it } from 'vitest';
import {
  SimulatedClock,
  createActor,
  fromPromise,
  pathToStateValue,
  transition,
  type AnyStateNode,
  type AnyTransitionDefinition,
  type SnapshotFrom,
} from 'xstate';
import { getShortestPaths, getSimplePaths, type StatePath } from 'xstate/graph';
import {
  REISSUE_TIMEOUT_MS,
  authMachine,
  toAuthError,
  usableToken,
  type AuthEvent,
  type ReissueInput,
} from '@/machines/auth.machine';
import type { ReissueResult } from '@/machines/auth.types';
import {
  FIFTEEN_MINUTES,
  NOW,
  REFRESH_DUE_EVENT,
  REISSUE_TIMEOUT_EVENT,
  ReissueFailure,
  refreshDue,
  reissueDone,
  reissueFailed,
  reissueTimedOut,
  reissued,
  session,
} from './fixtures';

const REFRESH_DUE_MS = 30_000;
/** Retries never stop; the model explores this many transient failures in a row. */
const MODEL_RETRY_DEPTH = 5;

/** How far the (model's) clock is along the token's life when a WAKE arrives. */
type WakeMoment = 'early' | 'due' | 'expiring';
type ModelWake = { type: 'WAKE'; at: WakeMoment };

function wake(at: WakeMoment): AuthEvent {
  return { type: 'WAKE', at } as ModelWake as AuthEvent;
}

function wakeMoment(event: AuthEvent): WakeMoment | undefined {
  return event.type === 'WAKE' ? (event as ModelWake).at : undefined;
}

/*
 * The real machine with fixed delays (the replay advances its clock by exactly these) and with
 * the clock-reading guards decided by the event, so paths are reproducible; the guards' own
 * arithmetic has pure tests with fake timers (auth.timing.test.ts, auth.refusal.test.ts). The
 * breaker trips at the first proactive timer after one reissue, so the traversal reaches it. No
 * time passes between a reissue and the next event here, so a token this tab reissued is always
 * "just issued" and a refusal is never forgotten.
 */
const model = authMachine.provide({
  delays: { refreshDue: REFRESH_DUE_MS, reissueTimeout: REISSUE_TIMEOUT_MS },
  guards: {
    mustReissueBeforeSending: ({ context, event }) =>
      context.breaker === null && wakeMoment(event) === 'expiring',
    isProactiveReissueDue: ({ context, event }) =>
      context.breaker === null && wakeMoment(event) === 'due',
    isReissueStorm: ({ context }) =>
      context.breaker === null && context.error === null && context.recentReissues.length >= 1,
    isRefusal: ({ context, event }) =>
      event.type === 'TOKEN_REJECTED' &&
      event.token === context.accessToken &&
      (context.refusal?.token === event.token ||
        (event.afterRenewal === true && context.reissuedAt !== null)),
  },
});

type Snapshot = SnapshotFrom<typeof model>;
type Path = StatePath<Snapshot, AuthEvent>;

/*
 * Tokens form a ladder: sign-in gives token-0, each reissue or newer session the next rung.
 * Expiry grows with the rung, so a higher rung is always "newer".
 */
function rung(accessToken: string | null): number {
  return accessToken === null ? -1 : Number(accessToken.replace('token-', ''));
}

function sessionAt(level: number) {
  return session(`token-${level}`, NOW + (level + 1) * FIFTEEN_MINUTES);
}

/** The event samples offered in each state. */
function modelEvents(snapshot: Snapshot): AuthEvent[] {
  const { accessToken } = snapshot.context;
  const next = rung(accessToken) + 1;
  const events: AuthEvent[] = [
    { type: 'SIGN_OUT' },
    { type: 'RETRY' },
    { type: 'SESSION_UPDATE', session: null },
    wake('early'),
    wake('due'),
    wake('expiring'),
  ];
  if (accessToken === null) {
    events.push({ type: 'SESSION_UPDATE', session: sessionAt(0) });
  } else {
    events.push(
      { type: 'SESSION_UPDATE', session: sessionAt(rung(accessToken)) },
      { type: 'SESSION_UPDATE', session: sessionAt(next) },
      { type: 'TOKEN_REJECTED', token: accessToken },
      // A retry, rejected again with the token its renewal gave it.
      { type: 'TOKEN_REJECTED', token: accessToken, afterRenewal: true },
      { type: 'TOKEN_REJECTED', token: 'token-stale' },
    );
  }
  if (snapshot.matches('authenticated')) {
    events.push(refreshDue());
  }
  if (snapshot.matches('refreshing')) {
    const output = reissued(`token-${next}`, NOW + (next + 1) * FIFTEEN_MINUTES, `ticket-${next}`);
    events.push(
      reissueDone(output),
      reissueFailed(new ReissueFailure('SESSION_EXPIRED', 'invalid_grant')),
      reissueFailed(new ReissueFailure('REISSUE_UNAVAILABLE', '503')),
      reissueTimedOut(),
    );
  }
  return events;
}

/** The part of a snapshot the behaviour depends on; counters and timestamps are left out. */
function abstractState(snapshot: Snapshot): string {
  const { accessToken, error, retryAttempt, coalescedCount, breaker, refusal } = snapshot.context;
  return JSON.stringify({
    value: snapshot.value,
    accessToken,
    error: error?.code ?? null,
    retryAttempt,
    coalesced: coalescedCount > 0,
    breaker: breaker !== null,
    refused: refusal?.token ?? null,
  });
}

/*
 * A state entered by a different transition is a different vertex, so the shortest paths
 * take every transition that changes the state value, not only reach every state. (An event
 * that changes nothing leads from such a vertex to the plain one, so ignored events, such as a
 * stale TOKEN_REJECTED, show up inside paths too.)
 */
function serializeState(snapshot: Snapshot, event?: AuthEvent, previous?: Snapshot): string {
  const moved = previous && JSON.stringify(previous.value) !== JSON.stringify(snapshot.value);
  const via = event && moved ? ` via ${event.type} from ${JSON.stringify(previous.value)}` : '';
  return abstractState(snapshot) + via;
}

const shortestPaths: Path[] = getShortestPaths(model, {
  events: modelEvents,
  serializeState,
  stopWhen: (snapshot) =>
    rung(snapshot.context.accessToken) >= 2 || snapshot.context.retryAttempt > MODEL_RETRY_DEPTH,
  limit: 50_000,
});

/** Every route (no vertex twice) into `expired` or back to `signedOut`, on a smaller model. */
const simplePathOptions = {
  // WAKE multiplies the routes without adding a way into expired or signedOut; the shortest paths take it.
  events: (snapshot: Snapshot) => modelEvents(snapshot).filter((event) => event.type !== 'WAKE'),
  serializeState,
  stopWhen: (snapshot: Snapshot) =>
    rung(snapshot.context.accessToken) >= 1 ||
    snapshot.context.retryAttempt >= 1 ||
    snapshot.context.coalescedCount > 0,
  limit: 50_000,
};
const simplePathsToExpired: Path[] = getSimplePaths(model, {
  ...simplePathOptions,
  toState: (snapshot) => snapshot.matches('expired'),
});
const simplePathsToSignedOut: Path[] = getSimplePaths(model, {
  ...simplePathOptions,
  toState: (snapshot) => snapshot.matches('signedOut'),
});

/** Outside events, and the ones XState sends the machine itself, which the model sends like any other. */
type ModelEvent =
  | AuthEvent
  | { type: 'xstate.done.actor.reissue'; output: ReissueResult }
  | { type: 'xstate.error.actor.reissue'; error: unknown }
  | { type: typeof REFRESH_DUE_EVENT | typeof REISSUE_TIMEOUT_EVENT };

function describeEvent(event: AuthEvent): string {
  const modelled = event as ModelEvent;
  switch (modelled.type) {
    case 'SESSION_UPDATE':
      return `SESSION_UPDATE(${modelled.session?.accessToken ?? 'null'})`;
    case 'TOKEN_REJECTED':
      return `TOKEN_REJECTED(${modelled.token}${modelled.afterRenewal ? ', again' : ''})`;
    case 'WAKE':
      return `WAKE(${wakeMoment(modelled) ?? ''})`;
    case 'xstate.done.actor.reissue':
      return `reissue done(${modelled.output.accessToken})`;
    case 'xstate.error.actor.reissue':
      return `reissue error(${toAuthError(modelled.error).code})`;
    case REFRESH_DUE_EVENT:
      return 'after refreshDue';
    case REISSUE_TIMEOUT_EVENT:
      return 'after reissueTimeout';
    default:
      return modelled.type;
  }
}

function describePath(path: Path): string {
  const events = path.steps.slice(1).map((step) => describeEvent(step.event));
  return `${['start', ...events].join(' → ')} ⇒ ${JSON.stringify(path.state.value)}`;
}

interface Invocation {
  input: ReissueInput;
  signal: AbortSignal;
  settled: boolean;
  resolve: (output: ReissueResult) => void;
  reject: (error: unknown) => void;
}

/** A live actor of the same machine: reissue is a deferred promise, delays run on a simulated clock. */
function startLiveActor() {
  const invocations: Invocation[] = [];
  const persistedTickets: Array<string | null> = [];
  const taken: AnyTransitionDefinition[] = [];
  const signOuts: string[] = [];
  const clock = new SimulatedClock();
  const machine = model.provide({
    actors: {
      reissue: fromPromise<ReissueResult, ReissueInput>(
        ({ input, signal }) =>
          new Promise<ReissueResult>((resolve, reject) => {
            const invocation: Invocation = {
              input,
              signal,
              settled: false,
              resolve: (output) => {
                invocation.settled = true;
                resolve(output);
              },
              reject: (error) => {
                invocation.settled = true;
                reject(error);
              },
            };
            invocations.push(invocation);
          }),
      ),
    },
    actions: {
      persistSession: ({ context }) => {
        persistedTickets.push(context.ticket);
      },
      signOut: () => {
        signOuts.push('signOut');
      },
    },
  });
  const actor = createActor(machine, {
    clock,
    inspect: (inspectionEvent) => {
      if (inspectionEvent.type === '@xstate.microstep') taken.push(...inspectionEvent._transitions);
    },
  });
  actor.start();
  return { actor, clock, invocations, persistedTickets, signOuts, taken };
}

type LiveActor = ReturnType<typeof startLiveActor>;

function inFlight(live: LiveActor): Invocation[] {
  return live.invocations.filter((invocation) => !invocation.settled && !invocation.signal.aborted);
}

/** Lets the promise actor deliver its result to the machine. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Delivers a model event to the live actor the way it happens in the app. */
async function perform(live: LiveActor, event: AuthEvent): Promise<void> {
  const modelled = event as ModelEvent;
  switch (modelled.type) {
    case 'xstate.done.actor.reissue':
      expect(inFlight(live)).toHaveLength(1);
      inFlight(live)[0]?.resolve(modelled.output);
      return settle();
    case 'xstate.error.actor.reissue':
      expect(inFlight(live)).toHaveLength(1);
      inFlight(live)[0]?.reject(modelled.error);
      return settle();
    case REFRESH_DUE_EVENT:
      live.clock.increment(REFRESH_DUE_MS);
      return;
    case REISSUE_TIMEOUT_EVENT:
      live.clock.increment(REISSUE_TIMEOUT_MS);
      return;
    default:
      live.actor.send(modelled);
  }
}

/** Replays a path step by step, checking the invariants after each one. */
async function replay(path: Path): Promise<LiveActor> {
  const live = startLiveActor();
  const expectedTickets: Array<string | null> = [];
  let expectedInvocations = 0;
  let expectedSignOuts = 0;

  for (const [index, step] of path.steps.entries()) {
    const previous = path.steps[index - 1]?.state;
    if (index > 0) await perform(live, step.event);

    if (step.state.matches('refreshing') && !previous?.matches('refreshing')) {
      expectedInvocations += 1;
    }
    if (step.event.type === 'SIGN_OUT') expectedSignOuts += 1;
    if ((step.event.type as string) === 'xstate.done.actor.reissue') {
      expectedTickets.push(step.state.context.ticket);
    }

    const snapshot = live.actor.getSnapshot();
    expect(abstractState(snapshot)).toBe(abstractState(step.state));
    expect(live.invocations).toHaveLength(expectedInvocations);
    expect(live.persistedTickets).toEqual(expectedTickets);
    expect(live.signOuts).toHaveLength(expectedSignOuts);

    if (snapshot.matches('refreshing')) {
      expect(inFlight(live)).toHaveLength(1);
      expect(inFlight(live)[0]?.input).toEqual({ accessToken: snapshot.context.accessToken });
      // A proactive reissue lets requests keep the good token; a reactive one holds them.
      expect(usableToken(snapshot, NOW)).toBe(
        snapshot.matches({ refreshing: 'proactive' }) ? snapshot.context.accessToken : null,
      );
    } else {
      expect(inFlight(live)).toHaveLength(0);
    }
    if (snapshot.matches('authenticated')) {
      expect(snapshot.context.accessToken).not.toBeNull();
      expect(usableToken(snapshot, NOW)).toBe(snapshot.context.accessToken);
    }
    if (snapshot.matches('signedOut') || snapshot.matches('expired')) {
      expect(usableToken(snapshot, NOW)).toBeNull();
    }
    if (snapshot.context.breaker !== null) {
      expect(snapshot.context.breaker.reason).toMatch(/proactive reissue stopped/);
    }
  }

  await expectLateResultsDiscarded(live);
  return live;
}

/** Reissues stopped by SIGN_OUT, SESSION_UPDATE(null) or the timeout resolve late: nothing changes. */
async function expectLateResultsDiscarded(live: LiveActor): Promise<void> {
  const stopped = live.invocations.filter((invocation) => !invocation.settled);
  const stillWanted = inFlight(live);
  const before = abstractState(live.actor.getSnapshot());
  const persistedBefore = [...live.persistedTickets];

  for (const invocation of stopped) {
    if (stillWanted.includes(invocation)) continue;
    expect(invocation.signal.aborted).toBe(true);
    invocation.resolve(reissued('token-late', NOW + 9 * FIFTEEN_MINUTES, 'ticket-late'));
  }
  await settle();

  expect(abstractState(live.actor.getSnapshot())).toBe(before);
  expect(live.persistedTickets).toEqual(persistedBefore);
}

function stateNodesOf(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states).flatMap((child) => [child, ...stateNodesOf(child)]);
}

function transitionKey(transitionDef: AnyTransitionDefinition): string | undefined {
  const siblings = transitionDef.source.transitions.get(transitionDef.eventType) ?? [];
  const index = siblings.indexOf(transitionDef);
  return index < 0
    ? undefined
    : `${transitionDef.source.id} on ${transitionDef.eventType} #${index}`;
}

/** Every transition the machine declares: `on`, `after` and invoke `onDone`/`onError` alike. */
function transitionsOf(root: AnyStateNode): string[] {
  return [root, ...stateNodesOf(root)].flatMap((node) =>
    [...node.transitions.values()].flat().map((transitionDef) => transitionKey(transitionDef)!),
  );
}

describe('generated paths', () => {
  it('the traversal is bounded and non-trivial', () => {
    expect(shortestPaths.length).toBeGreaterThan(50);
    expect(simplePathsToExpired.length).toBeGreaterThan(10);
    expect(simplePathsToSignedOut.length).toBeGreaterThan(10);
    expect(shortestPaths.some((path) => path.state.matches('expired'))).toBe(true);
  });
});

describe('shortest paths (every transition)', () => {
  it.each(shortestPaths.map((path) => [describePath(path), path] as const))(
    'invariants hold along %s',
    async (_name, path) => {
      const live = await replay(path);

      // Events the model says change nothing change nothing live, and start no reissue.
      for (const event of modelEvents(path.state)) {
        const [next] = transition(model, path.state, event);
        if (abstractState(next) !== abstractState(path.state)) continue;
        const invocations = live.invocations.length;
        await perform(live, event);
        expect(abstractState(live.actor.getSnapshot())).toBe(abstractState(path.state));
        expect(live.invocations).toHaveLength(invocations);
      }
    },
  );
});

describe('simple paths into expired', () => {
  it.each(simplePathsToExpired.map((path) => [describePath(path), path] as const))(
    'invariants hold along %s',
    async (_name, path) => {
      const live = await replay(path);

      expect(live.actor.getSnapshot().value).toBe('expired');
      expect(live.actor.getSnapshot().context.error?.code).toBe('SESSION_EXPIRED');
    },
  );
});

describe('simple paths back to signedOut', () => {
  it.each(simplePathsToSignedOut.map((path) => [describePath(path), path] as const))(
    'invariants hold along %s',
    async (_name, path) => {
      const live = await replay(path);

      expect(live.actor.getSnapshot().value).toBe('signedOut');
      expect(live.actor.getSnapshot().context.accessToken).toBeNull();
    },
  );
});

describe('coverage', () => {
  it('every state node and every transition of authMachine is taken by some shortest path', async () => {
    const stateNodes = stateNodesOf(authMachine.root).map((node) => node.id);
    const transitions = transitionsOf(authMachine.root);
    const reachedNodes = new Set<string>();
    const takenTransitions = new Set<string>();

    for (const path of shortestPaths) {
      const live = await replay(path);
      for (const transitionDef of live.taken) {
        const key = transitionKey(transitionDef);
        if (key) takenTransitions.add(key);
      }
      for (const node of stateNodesOf(model.root)) {
        const value = pathToStateValue(node.path) as Snapshot['value'];
        if (path.steps.some((step) => step.state.matches(value))) {
          reachedNodes.add(node.id);
        }
      }
    }

    expect(transitions).toContain(`auth.authenticated on ${REFRESH_DUE_EVENT} #0`);
    expect(transitions).toContain('auth.refreshing on xstate.error.actor.reissue #1');
    // The refusal guard: a rejection that starts no reissue.
    expect(transitions).toContain('auth.authenticated on TOKEN_REJECTED #0');
    expect(stateNodes.filter((id) => !reachedNodes.has(id))).toEqual([]);
    expect(transitions.filter((key) => !takenTransitions.has(key))).toEqual([]);
  });
});
