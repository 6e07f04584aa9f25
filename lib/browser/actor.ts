/**
 * This app's tab actor: the core's browser machine given next-auth's signIn/signOut, the app's
 * user schema and the inspector. Everything the browser knows about auth starts here.
 */
import { signOut } from 'next-auth/react';
import { createTabActor, type BrowserAuthActor } from 'token-reissue';
import type { SessionUser } from '@/lib/next-auth';
import { sessionUserSchema } from '@/lib/validations/session';
import { inspectObserver } from './inspector';
import { persistSession } from './persist-session';
import { reportToServer } from './report';
import { currentTracer } from './tracer-slot';

/**
 * This app's tab actor: the core's machine for this app's user, reissuing through
 * `/api/auth/reissue`, persisting with next-auth's `signIn` and signing out with its `signOut`;
 * the Stately inspector attached when asked for. One actor per tab, created on first use.
 */
const tab = createTabActor<SessionUser>({
  user: sessionUserSchema,
  persistSession,
  signOut: () => void signOut({ redirect: false }),
  inspect: inspectObserver,
  telemetry: reportToServer,
  tracer: currentTracer,
});

export type AuthActor = BrowserAuthActor<SessionUser>;

/** The machine with the browser's implementations (the inspector and tests read it). */
export const browserAuthMachine = tab.machine;

export const getAuthActor: () => AuthActor = tab.actor;

/** This tab's DPoP signer, shared by the reissue and `clientAuth`. */
export const browserDpop = tab.dpop;

/** Turns DPoP on with the API's reissue endpoint (from the server-rendered page), or off. */
export function configureDpop(reissueUrl: string | null): void {
  browserDpop.configure(reissueUrl);
}
