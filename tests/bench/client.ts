/**
 * What every benchmark client is: an axios instance with some token logic, a session held in
 * this process (as a browser tab and its cookie would hold it), and a count of the 401s and
 * reissues it saw. The shared reissue call is the same for all, so only the logic differs.
 */
import axios, { type AxiosInstance } from 'axios';
import type { KeyPair } from 'dpop';
import type { TokenResponse } from '@/backend/services';
import { reissueError } from '@/lib/core/errors';

export const REQUEST_TIMEOUT_MS = 30_000;

/** The session: both tokens, and what the API last said about it. */
export interface TokenStore {
  accessToken: string;
  accessTokenExpiresAt: number;
  refreshToken: string;
  user: TokenResponse['user'];
  /** The latest reissue call, so a run can wait for one still in flight. */
  pending?: Promise<unknown>;
}

export interface BenchClient {
  http: AxiosInstance;
  store: TokenStore;
  stop(): void;
}

export type ClientFactory = ((
  baseURL: string,
  apiUrl: string,
  login: TokenResponse,
) => BenchClient) & {
  /** A client that signs DPoP proofs with this key: its login binds the token to it. */
  dpopKey?: () => Promise<KeyPair>;
};

export function storeFrom(login: TokenResponse): TokenStore {
  const { accessToken, accessTokenExpiresAt, refreshToken, user } = login;
  return { accessToken, accessTokenExpiresAt, refreshToken, user };
}

export function createHttp(baseURL: string): AxiosInstance {
  return axios.create({ baseURL, timeout: REQUEST_TIMEOUT_MS });
}

/** POST /auth/reissue with the store's refresh token; on success the store holds the new pair. */
export function reissue(apiUrl: string, store: TokenStore): Promise<TokenStore> {
  const call = callReissue(apiUrl, store);
  store.pending = call;
  return call;
}

async function callReissue(apiUrl: string, store: TokenStore): Promise<TokenStore> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}/auth/reissue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: store.refreshToken }),
    });
  } catch (error) {
    throw reissueError('REISSUE_UNAVAILABLE', String(error));
  }
  if (response.status === 401) throw reissueError('SESSION_EXPIRED', 'refresh token dead');
  if (!response.ok) throw reissueError('REISSUE_UNAVAILABLE', `HTTP ${response.status}`);
  Object.assign(store, storeFrom((await response.json()) as TokenResponse));
  return store;
}

/** Bare axios with a token that never changes: the floor for per-request overhead. */
export const bareAxios: ClientFactory = (baseURL, _apiUrl, login) => {
  const store = storeFrom(login);
  const http = createHttp(baseURL);
  http.defaults.headers.common.Authorization = `Bearer ${store.accessToken}`;
  return { http, store, stop() {} };
};
