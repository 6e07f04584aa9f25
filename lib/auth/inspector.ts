import type { InspectionEvent, Observer } from 'xstate';

/**
 * The Stately inspector for the tab's auth actor, opened on demand. An actor takes its
 * `inspect` observer when it is created, but a person decides to watch it much later, from a
 * button; and a browser only lets a page open a window during a click. So in development the
 * actor always reports to a relay that keeps recent events, and `openInspector()` (called from
 * the click) opens the window at once, loads `@statelyai/inspect`, and replays what the relay
 * kept. No build-time flag: nothing to restart, no stale dev cache.
 */

export const INSPECTOR_URL = 'https://stately.ai/inspect';
export const INSPECTOR_WINDOW = 'xstateinspector';
export const MAX_KEPT_INSPECTION_EVENTS = 1_000;

/** An `inspect` observer for `createActor` that forwards to whatever is attached, and remembers. */
export interface InspectRelay extends Observer<InspectionEvent> {
  next: (event: InspectionEvent) => void;
  /** Replays the kept events to `observer` in order, then forwards new ones to it (and only it). */
  attach: (observer: Observer<InspectionEvent>) => void;
}

/**
 * Keeps the last `maxKept` events, always including actor registrations (without them the
 * inspector shows nothing), so an inspector attached late, or attached again after its window
 * was closed, still sees the actor and its recent history.
 */
export function createInspectRelay(maxKept = MAX_KEPT_INSPECTION_EVENTS): InspectRelay {
  const kept: InspectionEvent[] = [];
  let target: Observer<InspectionEvent> | undefined;
  return {
    next(event) {
      kept.push(event);
      if (kept.length > maxKept) {
        const oldest = kept.findIndex((candidate) => candidate.type !== '@xstate.actor');
        kept.splice(oldest < 0 ? 0 : oldest, 1);
      }
      target?.next?.(event);
    },
    attach(observer) {
      target = observer;
      for (const event of kept) observer.next?.(event);
    },
  };
}

let relay: InspectRelay | undefined;

/**
 * The relay for the browser's auth actor: in a development browser only. The check is written
 * out literally so Next inlines it and drops `@statelyai/inspect` from production bundles.
 */
export function inspectObserver(): InspectRelay | undefined {
  if (process.env.NODE_ENV !== 'development' || typeof window === 'undefined') return undefined;
  relay ??= createInspectRelay();
  return relay;
}

/** Whether this build can open the inspector (development, in a browser). */
export function inspectorAvailable(): boolean {
  return process.env.NODE_ENV === 'development' && typeof window !== 'undefined';
}

export type OpenInspectorResult = 'opened' | 'blocked' | 'unavailable';

/**
 * Call from a click handler, synchronously: the window opens inside the gesture, so popup
 * blockers let it through. The inspector library then loads and posts into that window.
 */
export function openInspector(): OpenInspectorResult {
  const observer = inspectObserver();
  if (!observer || process.env.NODE_ENV !== 'development') return 'unavailable';
  const inspectorWindow = window.open(INSPECTOR_URL, INSPECTOR_WINDOW);
  if (!inspectorWindow) return 'blocked';
  void import('@statelyai/inspect').then(
    ({ createBrowserInspector }) => {
      // The library opens its own window on start; hand it the one opened during the click.
      const host = {
        open: () => inspectorWindow,
        addEventListener: window.addEventListener.bind(window),
      } as unknown as Window;
      observer.attach(createBrowserInspector({ window: host, url: INSPECTOR_URL }).inspect);
    },
    (error: unknown) => console.warn('The XState inspector could not be loaded.', error),
  );
  return 'opened';
}
