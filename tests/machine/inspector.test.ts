import { createBrowserInspector, type StatelyInspectionEvent } from '@statelyai/inspect';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromPromise, type InspectionEvent } from 'xstate';
import { bufferUntilLoaded, inspectObserver } from '@/lib/auth/inspector';
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

describe('bufferUntilLoaded', () => {
  it('keeps events until the inspector has loaded, then forwards them in order', async () => {
    const forwarded: InspectionEvent[] = [];
    let finishLoading: () => void = () => {};
    const inspect = bufferUntilLoaded(
      () =>
        new Promise((resolve) => {
          finishLoading = () => resolve({ next: (event) => forwarded.push(event) });
        }),
    );
    const actor = createActor(machine, { inspect });

    actor.start();
    actor.send(signIn);
    expect(forwarded).toEqual([]);

    finishLoading();
    await inspect.loaded;
    actor.send(reject);
    actor.stop();

    expect(forwarded[0]?.type).toBe('@xstate.actor');
    expect(eventTypes(forwarded)).toEqual(
      expect.arrayContaining(['xstate.init', 'SESSION_UPDATE', 'TOKEN_REJECTED']),
    );
    const types = eventTypes(forwarded);
    expect(types.indexOf('SESSION_UPDATE')).toBeLessThan(types.indexOf('TOKEN_REJECTED'));
  });

  it('drops the oldest events beyond the limit but keeps actor registrations', async () => {
    const forwarded: InspectionEvent[] = [];
    let finishLoading: () => void = () => {};
    const inspect = bufferUntilLoaded(
      () =>
        new Promise((resolve) => {
          finishLoading = () => resolve({ next: (event) => forwarded.push(event) });
        }),
      3,
    );
    const actor = createActor(machine, { inspect });

    actor.start();
    actor.send(signIn);
    actor.send(reject);
    finishLoading();
    await inspect.loaded;
    actor.stop();

    expect(forwarded.slice(0, 3).map((event) => event.type)).toEqual([
      '@xstate.actor',
      '@xstate.actor',
      '@xstate.snapshot',
    ]);
  });

  it('drops everything, and never throws, when the inspector fails to load', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const inspect = bufferUntilLoaded(() => Promise.reject(new Error('chunk failed')));
    const actor = createActor(machine, { inspect });

    actor.start();
    await inspect.loaded;
    actor.send(signIn);
    actor.stop();

    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});

describe('inspectObserver', () => {
  it('is off on the server, without the flag, and outside development', () => {
    vi.stubEnv('NODE_ENV', 'development');
    vi.stubEnv('NEXT_PUBLIC_XSTATE_INSPECT', '1');
    expect(inspectObserver()).toBeUndefined();

    vi.stubGlobal('window', {});
    vi.stubEnv('NEXT_PUBLIC_XSTATE_INSPECT', '');
    expect(inspectObserver()).toBeUndefined();

    vi.stubEnv('NEXT_PUBLIC_XSTATE_INSPECT', '1');
    vi.stubEnv('NODE_ENV', 'production');
    expect(inspectObserver()).toBeUndefined();
  });

  it('in a development browser with the flag, lazy-loads the Stately inspector and feeds it', async () => {
    const inspectorWindow = { postMessage: vi.fn() };
    const listeners: Array<(message: { data: unknown }) => void> = [];
    const stubWindow = {
      open: vi.fn(() => inspectorWindow),
      addEventListener: (_type: string, listener: (message: { data: unknown }) => void) =>
        listeners.push(listener),
      requestIdleCallback: (callback: () => void) => setTimeout(callback, 0),
    };
    vi.stubGlobal('window', stubWindow);
    vi.stubEnv('NODE_ENV', 'development');
    vi.stubEnv('NEXT_PUBLIC_XSTATE_INSPECT', '1');

    const inspect = inspectObserver();
    expect(inspect).toBeDefined();
    const actor = createActor(machine, { inspect });
    actor.start();
    actor.send(signIn);
    await inspect?.loaded;
    // The inspector page announces itself; the adapter then posts what it holds and what follows.
    for (const listener of listeners) listener({ data: { type: '@statelyai.connected' } });
    actor.send(reject);

    const posted = () =>
      inspectorWindow.postMessage.mock.calls.map(([message]) => message as StatelyInspectionEvent);
    await vi.waitFor(() =>
      expect(eventTypes(posted())).toEqual(
        expect.arrayContaining(['SESSION_UPDATE', 'TOKEN_REJECTED']),
      ),
    );
    actor.stop();
    expect(listeners).toHaveLength(1);
    expect(stubWindow.open).toHaveBeenCalledWith('https://stately.ai/inspect', 'xstateinspector');
    expect(snapshotValues(posted())).toEqual(
      expect.arrayContaining([{ authenticated: 'active' }, { refreshing: 'reactive' }]),
    );
  });
});
