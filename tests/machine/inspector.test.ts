import { createBrowserInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise, type InspectionEvent } from 'xstate';
import { createInspectRelay, INSPECTOR_URL } from '@/lib/browser/inspector';
import { authMachine, type ReissueInput } from '@/machines/auth.machine';
import type { ReissueResult } from '@/machines/auth.types';
import { FIFTEEN_MINUTES, NOW, session } from './fixtures';

const signIn = {
  type: 'SESSION_UPDATE',
  session: session('token-a', NOW + FIFTEEN_MINUTES),
} as const;
const reject = { type: 'TOKEN_REJECTED', token: 'token-a' } as const;

/** The machine with a reissue that never settles, so the actor stays in `refreshing`. */
const machine = authMachine.provide({
  actors: { reissue: fromPromise<ReissueResult, ReissueInput>(() => new Promise(() => {})) },
});

function eventTypes(events: Array<InspectionEvent | StatelyInspectionEvent>): string[] {
  return events.flatMap((inspection) =>
    inspection.type === '@xstate.event' ? [inspection.event.type] : [],
  );
}

function snapshotValues(events: Array<InspectionEvent | StatelyInspectionEvent>): unknown[] {
  return events.flatMap((inspection) =>
    inspection.type === '@xstate.snapshot' && 'value' in inspection.snapshot
      ? [inspection.snapshot.value]
      : [],
  );
}

afterEach(() => {
  vi.unstubAllEnvs();
  vi.unstubAllGlobals();
});

describe('inspection', () => {
  it("a custom inspect observer receives the actor's events and snapshots", () => {
    const received: InspectionEvent[] = [];
    const actor = createActor(machine, { inspect: (event) => received.push(event) });

    actor.start();
    actor.send(signIn);
    actor.send(reject);
    actor.stop();

    expect(eventTypes(received)).toEqual(
      expect.arrayContaining(['xstate.init', 'SESSION_UPDATE', 'TOKEN_REJECTED']),
    );
    expect(snapshotValues(received)).toEqual(
      expect.arrayContaining([
        'signedOut',
        { authenticated: 'active' },
        { refreshing: 'reactive' },
      ]),
    );
  });

  it("Stately's browser inspector forwards them through `send` without opening a window", async () => {
    const stubWindow = { open: vi.fn(), addEventListener: vi.fn() } as unknown as Window;
    const sent: StatelyInspectionEvent[] = [];
    const inspector = createBrowserInspector({
      window: stubWindow,
      send: (event) => sent.push(event),
      autoStart: false,
    });
    const actor = createActor(machine, { inspect: inspector.inspect });

    actor.start();
    actor.send(signIn);
    actor.send(reject);

    await vi.waitFor(() => expect(eventTypes(sent)).toContain('TOKEN_REJECTED'));
    actor.stop();
    expect(eventTypes(sent)).toEqual(expect.arrayContaining(['SESSION_UPDATE', 'TOKEN_REJECTED']));
    expect(snapshotValues(sent)).toEqual(
      expect.arrayContaining([{ authenticated: 'active' }, { refreshing: 'reactive' }]),
    );
    expect(sent.some((event) => event.type === '@xstate.actor')).toBe(true);
    expect(stubWindow.open).not.toHaveBeenCalled();
  });
});

describe('createInspectRelay', () => {
  it('keeps events until an observer attaches, replays them in order, then forwards new ones', () => {
    const relay = createInspectRelay();
    const actor = createActor(machine, { inspect: relay });

    actor.start();
    actor.send(signIn);
    const forwarded: InspectionEvent[] = [];
    relay.attach({ next: (event) => forwarded.push(event) });
    actor.send(reject);
    actor.stop();

    expect(forwarded[0]?.type).toBe('@xstate.actor');
    const types = eventTypes(forwarded);
    expect(types).toEqual(
      expect.arrayContaining(['xstate.init', 'SESSION_UPDATE', 'TOKEN_REJECTED']),
    );
    expect(types.indexOf('SESSION_UPDATE')).toBeLessThan(types.indexOf('TOKEN_REJECTED'));
  });

  it('an observer attached again (a reopened inspector) gets the whole history, the old one nothing new', () => {
    const relay = createInspectRelay();
    const actor = createActor(machine, { inspect: relay });
    const first: InspectionEvent[] = [];
    const second: InspectionEvent[] = [];

    actor.start();
    relay.attach({ next: (event) => first.push(event) });
    actor.send(signIn);
    const firstCount = first.length;
    relay.attach({ next: (event) => second.push(event) });
    actor.send(reject);
    actor.stop();

    expect(first).toHaveLength(firstCount);
    expect(eventTypes(second)).toEqual(
      expect.arrayContaining(['xstate.init', 'SESSION_UPDATE', 'TOKEN_REJECTED']),
    );
  });

  it('drops the oldest events beyond the limit but keeps actor registrations', () => {
    const relay = createInspectRelay(3);
    const actor = createActor(machine, { inspect: relay });

    actor.start();
    actor.send(signIn);
    actor.send(reject);
    const forwarded: InspectionEvent[] = [];
    relay.attach({ next: (event) => forwarded.push(event) });
    actor.stop();

    expect(forwarded.slice(0, 3).map((event) => event.type)).toEqual([
      '@xstate.actor',
      '@xstate.actor',
      '@xstate.snapshot',
    ]);
  });
});

/** A fresh copy of the module: it holds the tab's one relay. */
async function freshInspectorModule() {
  vi.resetModules();
  return import('@/lib/browser/inspector');
}

function stubBrowser(opened: { postMessage: ReturnType<typeof vi.fn> } | null) {
  const listeners: Array<(message: { data: unknown }) => void> = [];
  const stubWindow = {
    open: vi.fn(() => opened),
    addEventListener: (_type: string, listener: (message: { data: unknown }) => void) =>
      listeners.push(listener),
    requestIdleCallback: (callback: () => void) => setTimeout(callback, 0),
  };
  vi.stubGlobal('window', stubWindow);
  return { stubWindow, listeners };
}

describe('inspectObserver and openInspector', () => {
  it('are off on the server and outside development', async () => {
    vi.stubEnv('NODE_ENV', 'development');
    let inspector = await freshInspectorModule();
    expect(inspector.inspectObserver()).toBeUndefined();
    expect(inspector.openInspector()).toBe('unavailable');

    const { stubWindow } = stubBrowser({ postMessage: vi.fn() });
    vi.stubEnv('NODE_ENV', 'production');
    inspector = await freshInspectorModule();
    expect(inspector.inspectObserver()).toBeUndefined();
    expect(inspector.inspectorAvailable()).toBe(false);
    expect(inspector.openInspector()).toBe('unavailable');
    expect(stubWindow.open).not.toHaveBeenCalled();
  });

  it('in a development browser, starting the actor opens no window: only the button does', async () => {
    const inspectorWindow = { postMessage: vi.fn() };
    const { stubWindow, listeners } = stubBrowser(inspectorWindow);
    vi.stubEnv('NODE_ENV', 'development');
    const inspector = await freshInspectorModule();

    const actor = createActor(machine, { inspect: inspector.inspectObserver() });
    actor.start();
    actor.send(signIn);
    expect(stubWindow.open).not.toHaveBeenCalled();

    // The click: the window opens synchronously, before the library has loaded.
    expect(inspector.openInspector()).toBe('opened');
    expect(stubWindow.open).toHaveBeenCalledWith(INSPECTOR_URL, 'xstateinspector');
    expect(stubWindow.open).toHaveBeenCalledOnce();

    // The inspector page announces itself; the adapter then posts what the relay kept and what follows.
    await vi.waitFor(() => expect(listeners).toHaveLength(1));
    for (const listener of listeners) listener({ data: { type: '@statelyai.connected' } });
    actor.send(reject);

    const posted = () =>
      inspectorWindow.postMessage.mock.calls.map(([message]) => message as StatelyInspectionEvent);
    await vi.waitFor(() =>
      expect(eventTypes(posted())).toEqual(
        expect.arrayContaining(['xstate.init', 'SESSION_UPDATE', 'TOKEN_REJECTED']),
      ),
    );
    actor.stop();
    expect(posted().some((event) => event.type === '@xstate.actor')).toBe(true);
    expect(snapshotValues(posted())).toEqual(
      expect.arrayContaining([{ authenticated: 'active' }, { refreshing: 'reactive' }]),
    );
    expect(stubWindow.open).toHaveBeenCalledOnce();
  });

  it('says so when a popup blocker refuses the window', async () => {
    stubBrowser(null);
    vi.stubEnv('NODE_ENV', 'development');
    const inspector = await freshInspectorModule();

    expect(inspector.openInspector()).toBe('blocked');
  });
});
