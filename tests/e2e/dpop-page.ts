/**
 * What the DPoP browser tests read from a real page: the key IndexedDB holds (and whether it
 * can be exported), the session the page is given, the proofs its requests carried, and the
 * signing times the page recorded.
 */
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Page, Request } from 'playwright-core';

export interface StoredKey {
  /** No key stored. */
  missing: boolean;
  privateIsCryptoKey: boolean;
  privateExtractable: boolean;
  /** What `crypto.subtle.exportKey` threw for the private key ('' if it did not throw). */
  exportError: string;
  /** Whether the stored record holds JWK members (`d`, `x`, …) rather than `CryptoKey`s. */
  storedAsJwk: boolean;
  publicJwk: JWK | null;
}

/** The key pair in the page's IndexedDB, read as the page's own script would. */
export function storedKey(page: Page): Promise<StoredKey> {
  return page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('token-reissue-dpop', 1);
      open.onupgradeneeded = () => open.result.createObjectStore('keys');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const record = await new Promise<Record<string, unknown> | undefined>((resolve, reject) => {
      const get = db.transaction('keys').objectStore('keys').get('current');
      get.onsuccess = () => resolve(get.result as Record<string, unknown> | undefined);
      get.onerror = () => reject(get.error);
    });
    db.close();
    if (!record) {
      return {
        missing: true,
        privateIsCryptoKey: false,
        privateExtractable: false,
        exportError: '',
        storedAsJwk: false,
        publicJwk: null,
      };
    }
    const privateKey = record.privateKey as CryptoKey;
    let exportError = '';
    try {
      await crypto.subtle.exportKey('jwk', privateKey);
    } catch (error) {
      exportError = `${(error as Error).name}: ${(error as Error).message}`;
    }
    return {
      missing: false,
      privateIsCryptoKey: privateKey instanceof CryptoKey,
      privateExtractable: privateKey.extractable,
      exportError,
      storedAsJwk: ['d', 'x', 'y', 'kty'].some((member) => member in record),
      publicJwk: await crypto.subtle.exportKey('jwk', record.publicKey as CryptoKey),
    };
  });
}

export async function storedThumbprint(page: Page): Promise<string | null> {
  const { publicJwk } = await storedKey(page);
  if (!publicJwk) return null;
  const { kty, crv, x, y } = publicJwk;
  return calculateJwkThumbprint({ kty, crv, x, y });
}

/** `/api/auth/session` as the page gets it. */
export function pageSession(
  page: Page,
): Promise<{ accessToken: string; accessTokenExpiresAt: number }> {
  return page.evaluate(async () => (await fetch('/api/auth/session')).json());
}

/** Requests the page sends to the API's `path`, with the headers they carried. */
export function watchApiRequests(page: Page, apiUrl: string, path: string) {
  const seen: { method: string; authorization: string; dpop: string | undefined }[] = [];
  const listener = (request: Request) => {
    if (request.url() !== `${apiUrl}${path}` || request.method() === 'OPTIONS') return;
    const headers = request.headers();
    seen.push({
      method: request.method(),
      authorization: headers.authorization ?? '',
      dpop: headers.dpop,
    });
  };
  page.on('request', listener);
  return { seen, stop: () => page.off('request', listener) };
}

/** Every proof-signing time the page recorded (User Timing), in ms. */
export function signingTimes(page: Page): Promise<number[]> {
  return page.evaluate(() =>
    performance.getEntriesByName('token-reissue:dpop-proof').map((entry) => entry.duration),
  );
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}
