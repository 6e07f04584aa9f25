/**
 * The browser's DPoP key: WebCrypto ES256 with a non-extractable private key, kept in IndexedDB
 * (one per browser profile and origin, so every tab signs with the same key). IndexedDB stores
 * the `CryptoKey` objects themselves (structured clone), never key material: script on the page
 * can use the key while the page is open, but cannot read it out (`exportKey` throws).
 *
 * Created once, under a Web Lock with a timeout, and written with `add` (which fails if another
 * tab got there first), so two tabs starting together cannot end up with two keys. Deleted when
 * the session ends; the next sign-in makes a new one. Where IndexedDB refuses, the tab keeps a
 * key of its own in memory.
 */
import { generateKeyPair } from 'dpop';
import type { DpopKeyPair } from '../http/dpop';

export const DPOP_DB_NAME = 'token-reissue-dpop';
export const DPOP_STORE = 'keys';
export const DPOP_KEY_ID = 'current';
export const DPOP_KEY_LOCK = 'token-reissue-dpop-key';
/** A tab that cannot get the lock in this long creates the key without it (`add` still decides). */
export const DPOP_KEY_LOCK_TIMEOUT_MS = 5_000;

export interface DpopKeyStore {
  /** This browser's key pair, created on first use. */
  get(): Promise<DpopKeyPair>;
  /** Deletes the stored key (sign-out, session ended) and forgets the cached one. */
  remove(): Promise<void>;
  /** Forgets the cached key, so the next `get` reads IndexedDB (another tab may have replaced it). */
  forget(): void;
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DPOP_DB_NAME, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(DPOP_STORE);
  return request(open);
}

async function inStore<T>(
  mode: IDBTransactionMode,
  run: (store: IDBObjectStore) => IDBRequest<T>,
): Promise<T> {
  const db = await openDb();
  try {
    const transaction = db.transaction(DPOP_STORE, mode);
    const result = await request(run(transaction.objectStore(DPOP_STORE)));
    await new Promise<void>((resolve, reject) => {
      transaction.oncomplete = () => resolve();
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB aborted'));
    });
    return result;
  } finally {
    db.close();
  }
}

const read = () => inStore<DpopKeyPair | undefined>('readonly', (store) => store.get(DPOP_KEY_ID));

/** Reads the key, or creates and adds one; a tab that loses the `add` race reads the winner's. */
async function readOrCreate(): Promise<DpopKeyPair> {
  const existing = await read();
  if (existing) return existing;
  const created = await generateKeyPair('ES256', { extractable: false });
  try {
    await inStore('readwrite', (store) => store.add(created, DPOP_KEY_ID));
    return created;
  } catch (error) {
    const winner = await read();
    if (winner) return winner;
    throw error;
  }
}

export function browserDpopKeyStore(): DpopKeyStore {
  let cached: Promise<DpopKeyPair> | undefined;

  async function locked(): Promise<DpopKeyPair> {
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
    if (!locks || typeof AbortSignal.timeout !== 'function') return readOrCreate();
    try {
      return await locks.request(
        DPOP_KEY_LOCK,
        { signal: AbortSignal.timeout(DPOP_KEY_LOCK_TIMEOUT_MS) },
        readOrCreate,
      );
    } catch (error) {
      if ((error as Error).name !== 'TimeoutError' && (error as Error).name !== 'AbortError') {
        throw error;
      }
      return readOrCreate();
    }
  }

  return {
    get() {
      // Without IndexedDB (storage blocked, a private window that refuses it) the tab signs with
      // a key of its own, still non-extractable, kept in memory: requests keep working; tabs
      // then hold different keys, and a token another tab bound is renewed before use.
      cached ??= locked().catch((error: unknown) => {
        console.warn(
          '[auth] the DPoP key cannot be kept in IndexedDB; this tab keeps its own',
          error,
        );
        return generateKeyPair('ES256', { extractable: false });
      });
      return cached;
    },
    async remove() {
      cached = undefined;
      if (typeof indexedDB === 'undefined') return;
      await inStore('readwrite', (store) => store.delete(DPOP_KEY_ID));
    },
    forget() {
      cached = undefined;
    },
  };
}
