/**
 * The one axios instance factory: the browser's `client`/`clientAuth` and the server's
 * `server`/`serverAuth` are all made here, so timeouts and headers cannot drift apart. Auth is
 * added afterwards with `attachAuthInterceptors`, never baked in.
 */
import axios, { type AxiosInstance } from 'axios';

/** No API call may hang a request or a render for longer than this. */
export const API_TIMEOUT_MS = 15_000;

export interface ApiInstanceOptions {
  /** The API's base URL; the browser sets it at run time with `defaults.baseURL`. */
  baseURL?: string;
  timeoutMs?: number;
}

export function createApiInstance({
  baseURL,
  timeoutMs = API_TIMEOUT_MS,
}: ApiInstanceOptions = {}): AxiosInstance {
  return axios.create({
    baseURL,
    timeout: timeoutMs,
    responseType: 'json',
    headers: { Accept: 'application/json' },
  });
}
