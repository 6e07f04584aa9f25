/**
 * The tab's tracer, once tracing has loaded (./tracing.ts, on demand): the actor's reissue client
 * and `clientAuth` ask for it at request time, so they exist before it and trace once it is
 * there. Empty while tracing is off, and then nothing is traced or paid for.
 */
import type { RequestTracer } from 'token-reissue';

let current: RequestTracer | undefined;

export const currentTracer = (): RequestTracer | undefined => current;

/**
 * Loads the web tracer when the server said tracing is on (`data-tracing` on the page's root,
 * from app/layout.tsx) and hands it out. Here, in the lazily loaded runtime, so a page's first
 * load carries neither the flag's reader nor a reference to the tracer's chunks.
 */
export async function startTracing(): Promise<void> {
  if (document.documentElement.dataset.tracing !== 'on') return;
  const { startBrowserTracing } = await import('./tracing');
  current ??= startBrowserTracing();
}
