/**
 * The browser's axios instances, from the core's one factory around this tab's actor, so every
 * caller of `clientAuth` shares one reissue.
 */
import { createBrowserInstances } from 'token-reissue';
import { browserDpop, getAuthActor } from './actor';
import { currentTracer } from './tracer-slot';

/** `getAuthActor` is passed, not called: the actor is created by the first request, never on import. */
const instances = createBrowserInstances(getAuthActor, {
  tracer: currentTracer,
  dpop: browserDpop,
});

/** Browser requests that need no session (sign-up, health). Never touches the auth actor. */
export const client = instances.client;

/** Browser requests that carry the access token; every instance shares the tab's one auth actor. */
export const clientAuth = instances.clientAuth;

/** Waiting, retried and failed requests of `clientAuth`, for the live panel. */
export const clientAuthTraffic = instances.traffic;

/**
 * The browser learns the API's URL at runtime from a server-rendered prop: NEXT_PUBLIC_ values
 * are frozen at build time, and tests start the API on random ports.
 */
export const setApiBaseUrl = instances.setBaseUrl;
