/**
 * The tab's tracer, once tracing has loaded (./tracing.ts, on demand): the actor's reissue client
 * and `clientAuth` ask for it at request time, so they exist before it and trace once it is
 * there. Empty while tracing is off, and then nothing is traced or paid for.
 */
import type { RequestTracer } from 'token-reissue';

let current: RequestTracer | undefined;

export const currentTracer = (): RequestTracer | undefined => current;

export function installTracer(tracer: RequestTracer): void {
  current = tracer;
}
