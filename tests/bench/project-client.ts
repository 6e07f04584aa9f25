/**
 * This project's browser stack in Node: the real auth machine and the real interceptors
 * (lib/http), with the `reissue` actor calling the API directly instead of the Next route,
 * as the integration tests wire it. persistSession and signOut have nothing to do here.
 */
import { generateKeyPair } from 'dpop';
import { createActor, fromPromise } from 'xstate';
import { createDpopSigner } from '@/lib/core/http/dpop';
import { actorTokenSource } from '@/lib/core/http/actor-token-source';
import { attachAuthInterceptors } from '@/lib/core/http/interceptors';
import { createOtelTracer } from '@/lib/core/telemetry/otel-tracer';
import type { RequestTracer } from '@/lib/core/telemetry/tracer';
import { authMachine } from '@/machines/auth.machine';
import type { ReissueResult } from '@/machines/auth.types';
import { createHttp, reissue, storeFrom, type ClientFactory } from './client';

function projectClient(
  tracer?: RequestTracer,
  dpop?: ReturnType<typeof createDpopSigner>,
): ClientFactory {
  return (baseURL, apiUrl, login) => {
    const store = storeFrom(login);
    const actor = createActor(
      authMachine.provide({
        actors: {
          reissue: fromPromise(async (): Promise<ReissueResult> => {
            const { accessToken, accessTokenExpiresAt, user } = await reissue(apiUrl, store);
            return { accessToken, accessTokenExpiresAt, user, ticket: null };
          }),
        },
        actions: { persistSession: () => {}, signOut: () => {} },
      }),
    ).start();
    const { accessToken, accessTokenExpiresAt, user } = store;
    actor.send({ type: 'SESSION_UPDATE', session: { accessToken, accessTokenExpiresAt, user } });
    const http = createHttp(baseURL);
    attachAuthInterceptors(http, actorTokenSource(actor, { tracer }), {
      tracer,
      dpop: dpop && (() => dpop),
    });
    return { http, store, stop: () => actor.stop() };
  };
}

export const project = projectClient();

/** The same with the trace hooks on (a registered SDK records and exports every span). */
export const projectTraced = projectClient(createOtelTracer('bench'));

/**
 * The same with DPoP: every request signs a fresh proof (ES256, WebCrypto in Node) and the
 * login binds the token to the key. Used for the valid-token overhead (no reissue happens).
 */
const key = generateKeyPair('ES256');
export const projectDpop: ClientFactory = Object.assign(
  projectClient(undefined, createDpopSigner({ key: () => key })),
  { dpopKey: () => key },
);
