import type { InspectionEvent, Observer } from 'xstate';

/** An `inspect` observer for `createActor` whose target loads later. */
export interface DeferredInspect extends Observer<InspectionEvent> {
  next: (event: InspectionEvent) => void;
  /** Settles once the target has loaded (and received the buffered events) or failed to load. */
  loaded: Promise<void>;
}

export const MAX_BUFFERED_INSPECTION_EVENTS = 1_000;

/**
 * Forwards inspection events to the observer `load` resolves with. Events that arrive before
 * it has loaded are kept in order and replayed; if loading fails they are dropped, because
 * inspection is a development aid and must never break the app.
 */
export function bufferUntilLoaded(
  load: () => Promise<Observer<InspectionEvent>>,
  maxBuffered = MAX_BUFFERED_INSPECTION_EVENTS,
): DeferredInspect {
  let target: Observer<InspectionEvent> | undefined;
  let buffer: InspectionEvent[] | undefined = [];

  const loaded = load().then(
    (observer) => {
      for (const event of buffer ?? []) observer.next?.(event);
      buffer = undefined;
      target = observer;
    },
    (error: unknown) => {
      buffer = undefined;
      console.warn('The XState inspector could not be loaded.', error);
    },
  );

  return {
    next(event) {
      if (target) {
        target.next?.(event);
        return;
      }
      if (!buffer) return;
      buffer.push(event);
      if (buffer.length > maxBuffered) {
        // Actor registrations are what the inspector needs to show anything; drop the oldest other event.
        const oldest = buffer.findIndex((buffered) => buffered.type !== '@xstate.actor');
        buffer.splice(oldest < 0 ? 0 : oldest, 1);
      }
    },
    loaded,
  };
}

/**
 * The Stately inspector for the browser's auth actor, only in development with
 * `NEXT_PUBLIC_XSTATE_INSPECT=1`. The checks are written out literally so that Next inlines
 * them and drops the `@statelyai/inspect` import from production bundles.
 */
export function inspectObserver(): DeferredInspect | undefined {
  if (
    process.env.NODE_ENV === 'development' &&
    process.env.NEXT_PUBLIC_XSTATE_INSPECT === '1' &&
    typeof window !== 'undefined'
  ) {
    return bufferUntilLoaded(async () => {
      const { createBrowserInspector } = await import('@statelyai/inspect');
      return createBrowserInspector().inspect;
    });
  }
  return undefined;
}
