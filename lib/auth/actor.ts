import { createActor, fromPromise, type Actor } from 'xstate';
import { signOut } from 'next-auth/react';
import { authMachine } from '@/machines/auth.machine';
import { inspectObserver } from './inspector';
import { persistSession } from './persist-session';
import { requestReissue } from './reissue-client';
import { connectTabs } from './tab-sync';
import { watchWakeUps } from './wake';

export type AuthActor = Actor<typeof authMachine>;

/** The machine with the browser's implementations: reissue through the Next route, persist with signIn. */
export const browserAuthMachine = authMachine.provide({
  actors: {
    reissue: fromPromise(({ input, signal }) => requestReissue(input, signal)),
  },
  actions: {
    persistSession: ({ context }) => {
      void persistSession(context.ticket);
    },
    signOut: () => {
      void signOut({ redirect: false });
    },
    reportBreaker: ({ context }) => {
      console.warn(`[auth] ${context.breaker?.reason ?? 'proactive reissue stopped'}`);
    },
  },
});

let actor: AuthActor | undefined;

/**
 * One actor per tab, shared by every axios instance; created on first use, never on the server.
 * It hears the other tabs (`tab-sync`) and re-checks its token on wake-ups (`wake`) for the tab's lifetime.
 */
export function getAuthActor(): AuthActor {
  if (typeof window === 'undefined') {
    throw new Error('getAuthActor() is browser-only; on the server use lib/http/server.ts');
  }
  if (!actor) {
    const created = createActor(browserAuthMachine, { inspect: inspectObserver() });
    created.start();
    connectTabs(created);
    watchWakeUps(() => created.send({ type: 'WAKE' }));
    actor = created;
  }
  return actor;
}
