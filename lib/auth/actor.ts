import { createActor, fromPromise, type Actor } from 'xstate';
import { signOut } from 'next-auth/react';
import { authMachine } from '@/machines/auth.machine';
import { inspectObserver } from './inspector';
import { persistSession } from './persist-session';
import { requestReissue } from './reissue-client';

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
  },
});

let actor: AuthActor | undefined;

/** One actor per tab, shared by every axios instance; created on first use, never on the server. */
export function getAuthActor(): AuthActor {
  if (typeof window === 'undefined') {
    throw new Error('getAuthActor() is browser-only; on the server use lib/http/server.ts');
  }
  if (!actor) {
    actor = createActor(browserAuthMachine, { inspect: inspectObserver() });
    actor.start();
  }
  return actor;
}
