/**
 * The DPoP part of the auth interceptors (interceptors.ts): a token bound to another key is
 * renewed before it is sent (once per request), every request carries `DPoP <token>` and a fresh
 * proof, the API's nonces are kept, and a `use_dpop_nonce` 401 asks for the same request once
 * more with the nonce (not a rejected token: no reissue).
 */
import type { AxiosError, AxiosInstance, AxiosResponse, InternalAxiosRequestConfig } from 'axios';
import type { createTrafficStore } from './auth-traffic';
import { isBoundElsewhere, isNonceChallenge, presentToken, type DpopSigner } from './dpop';

type Carry = (config: InternalAxiosRequestConfig, token: string, awaited?: boolean) => unknown;

export function createDpopStep(
  instance: AxiosInstance,
  /** The interceptors' token source (only its `renew` is used here). */
  source: { renew(token: string): Promise<string> },
  traffic: ReturnType<typeof createTrafficStore>,
  carry: Carry,
) {
  return {
    async present(
      config: InternalAxiosRequestConfig,
      signer: DpopSigner,
      token: string,
      awaited: boolean,
    ) {
      if (!config.dpopRebound && (await isBoundElsewhere(signer, token))) {
        config.dpopRebound = true;
        token = await traffic.countingFailures(traffic.whileWaiting(source.renew(token)));
        awaited = true;
      }
      carry(config, token, awaited);
      const method = (config.method ?? 'get').toUpperCase();
      const headers = await presentToken(signer, method, instance.getUri(config), token);
      config.headers.set('Authorization', headers.authorization);
      if (headers.dpop) config.headers.set('DPoP', headers.dpop);
      return config;
    },

    noteNonce(response: AxiosResponse, signer: DpopSigner | null | undefined) {
      signer?.noteNonce(instance.getUri(response.config), response.headers['dpop-nonce']);
    },

    /** Keeps the API's nonce; true when the answer asks for this request again with it. */
    wantsNonce(error: AxiosError, signer: DpopSigner | null | undefined): boolean {
      const config = error.config;
      if (!signer || !config || !error.response) return false;
      signer.noteNonce(instance.getUri(config), error.response.headers['dpop-nonce'] as string);
      const challenge = error.response.headers['www-authenticate'] as string | undefined;
      return !config.dpopNonceRetried && isNonceChallenge(error.response.status, challenge);
    },
  };
}
