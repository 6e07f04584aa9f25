import axios, { type AxiosInstance } from 'axios';
import { getAuthActor } from '@/lib/browser/actor';
import { actorTokenSource } from '@/lib/core/http/actor-token-source';
import { attachAuthInterceptors } from '@/lib/core/http/interceptors';

export const API_TIMEOUT_MS = 15_000;

function createApiInstance(): AxiosInstance {
  return axios.create({
    timeout: API_TIMEOUT_MS,
    responseType: 'json',
    headers: { Accept: 'application/json' },
  });
}

/** Browser requests that need no session (sign-up, health). Never touches the auth actor. */
export const client = createApiInstance();

/** Browser requests that carry the access token; every instance shares the tab's one auth actor. */
export const clientAuth = createApiInstance();

/** `getAuthActor` is passed, not called: the actor is created by the first request, never on import. */
export const clientAuthTraffic = attachAuthInterceptors(
  clientAuth,
  actorTokenSource(getAuthActor),
).traffic;

/**
 * The browser learns the API's URL at runtime from a server-rendered prop: NEXT_PUBLIC_ values
 * are frozen at build time, and tests start the API on random ports.
 */
export function setApiBaseUrl(url: string): void {
  const baseURL = new URL(url).toString();
  client.defaults.baseURL = baseURL;
  clientAuth.defaults.baseURL = baseURL;
}
