/**
 * Wiring, not logic: the core's server reissuer built once per process from the selected API
 * adapter, the configured coordinator and the configured rollback-guard memory (this process's,
 * or Redis when one is configured). Callers get it passed in or call `serverReissuer()`.
 */
import 'server-only';
import {
  createRedisRotationLog,
  createServerReissuer,
  memoryRotationLog,
  type ServerReissuer,
} from 'token-reissue/server';
import type { SessionUser } from '@/lib/next-auth';
import { backend } from './backend';
import { coordinatorFromConfig } from './coordinator';
import { recordTelemetry } from './metrics/record';
import { redisLink } from './redis';

const REISSUER = Symbol.for('token-reissue.server-reissuer');

/**
 * The process's one server reissuer (the selected API adapter, the configured coordinator),
 * used by the reissue route, the proxy, `serverAuth` and `authorize()`. Next bundles modules
 * separately into the proxy, each page and each route handler, so a module-level value would
 * exist once per bundle; it lives on `globalThis` instead: one per process, built on first use
 * (so `next build` reads no configuration).
 */
export function serverReissuer(): ServerReissuer<SessionUser> {
  const holder = globalThis as typeof globalThis & { [REISSUER]?: ServerReissuer<SessionUser> };
  if (!holder[REISSUER]) {
    const link = redisLink();
    holder[REISSUER] = createServerReissuer({
      backend,
      coordinator: coordinatorFromConfig,
      rotations: link ? createRedisRotationLog({ link }) : memoryRotationLog(),
      telemetry: recordTelemetry,
    });
  }
  return holder[REISSUER];
}
