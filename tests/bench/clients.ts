/**
 * The alternatives people use instead of this project, each as small as its usual form:
 * the original write-up's interceptor (retry once on 401, no coordination), a module-level
 * single-flight promise, and axios-auth-refresh 5 with and without its refresh deduplication.
 */
import { createAuthRefresh } from 'axios-auth-refresh';
import { createHttp, reissue, storeFrom, type ClientFactory } from './client';

declare module 'axios' {
  interface AxiosRequestConfig {
    _retry?: boolean;
  }
}

/** The write-up's `clientAuth`: reads the session per request (async), reissues per 401. */
export const naive: ClientFactory = (baseURL, apiUrl, login) => {
  const store = storeFrom(login);
  const http = createHttp(baseURL);
  http.interceptors.request.use(async (config) => {
    const { accessToken } = await Promise.resolve(store); // getSession() in the original
    config.headers.Authorization = `Bearer ${accessToken}`;
    return config;
  });
  http.interceptors.response.use(undefined, async (error) => {
    const original = error.config;
    if (error.response?.status !== 401 || original._retry) throw error;
    original._retry = true;
    const { accessToken } = await reissue(apiUrl, store);
    original.headers.Authorization = `Bearer ${accessToken}`;
    return http(original);
  });
  return { http, store, stop() {} };
};

/** One reissue promise shared by every 401 while it runs; the next 401 after it starts anew. */
export const singleFlight: ClientFactory = (baseURL, apiUrl, login) => {
  const store = storeFrom(login);
  const http = createHttp(baseURL);
  let inFlight: Promise<string> | null = null;
  http.interceptors.request.use((config) => {
    if (!config._retry) config.headers.Authorization = `Bearer ${store.accessToken}`;
    return config;
  });
  http.interceptors.response.use(undefined, async (error) => {
    const original = error.config;
    if (error.response?.status !== 401 || original._retry) throw error;
    inFlight ??= reissue(apiUrl, store)
      .then((s) => s.accessToken)
      .finally(() => {
        inFlight = null;
      });
    original._retry = true;
    original.headers.Authorization = `Bearer ${await inFlight}`;
    return http(original);
  });
  return { http, store, stop() {} };
};

/** axios-auth-refresh as its README shows it: a request interceptor plus createAuthRefresh. */
function axiosAuthRefresh(deduplicateRefresh?: boolean): ClientFactory {
  return (baseURL, apiUrl, login) => {
    const store = storeFrom(login);
    const http = createHttp(baseURL);
    http.interceptors.request.use((config) => {
      config.headers.Authorization = `Bearer ${store.accessToken}`;
      return config;
    });
    createAuthRefresh(
      http,
      async (failed) => {
        const { accessToken } = await reissue(apiUrl, store);
        failed.response.config.headers.Authorization = `Bearer ${accessToken}`;
      },
      deduplicateRefresh === undefined ? {} : { deduplicateRefresh },
    );
    return { http, store, stop() {} };
  };
}

export const axiosAuthRefreshDefaults = axiosAuthRefresh();
export const axiosAuthRefreshNoDedupe = axiosAuthRefresh(false);
