'use client';

import { isAxiosError } from 'axios';
import { useEffect, useState } from 'react';
// zod/mini, as everywhere in the browser: classic zod probes `new Function`, which the CSP refuses.
import * as z from 'zod/mini';
import { client } from '@/lib/browser/http';
import { loadAuthRuntime } from '@/lib/browser/load-runtime';

/**
 * Which of the API's debug routes (the demo's Expire) this API serves, asked once when the panel
 * opens: a control whose route is off says so and how to turn it on, instead of failing when
 * pressed. The reference API lists them at GET /debug; any other API answers 404 there.
 */
export type DebugRoutes =
  | { kind: 'checking' }
  | { kind: 'known'; routes: readonly string[] }
  /** The API did not say (unreachable, or an unexpected answer): controls stay on and report their own failure. */
  | { kind: 'unknown' };

const listing = z.object({ routes: z.array(z.string()) });

export function useDebugRoutes(): DebugRoutes {
  const [state, setState] = useState<DebugRoutes>({ kind: 'checking' });
  useEffect(() => {
    let live = true;
    const settle = (next: DebugRoutes) => live && setState(next);
    // The runtime sets the API's URL on the shared instances; `client` sends no token.
    void loadAuthRuntime()
      .then(() => client.get('/debug', { timeout: 10_000 }))
      .then(
        (response) => {
          const parsed = listing.safeParse(response.data);
          settle(
            parsed.success ? { kind: 'known', routes: parsed.data.routes } : { kind: 'unknown' },
          );
        },
        (error: unknown) =>
          settle(
            isAxiosError(error) && error.response?.status === 404
              ? { kind: 'known', routes: [] }
              : { kind: 'unknown' },
          ),
      );
    return () => {
      live = false;
    };
  }, []);
  return state;
}

/** False only when the API said it does not serve `route`. */
export function routeOn(state: DebugRoutes, route: string): boolean {
  return state.kind !== 'known' || state.routes.includes(route);
}
