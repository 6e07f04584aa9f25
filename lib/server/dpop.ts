/**
 * DPoP wiring for this app: the Next server's signer (its configured key, `DPOP_SERVER_KEY`,
 * shared by every process). On with the adapters that speak DPoP: the reference API and an
 * OpenID provider; the spring-style API keeps bearer tokens.
 */
import 'server-only';
import { config } from '@/lib/config';
import {
  createDpopSigner,
  importDpopServerKey,
  type DpopKeyPair,
  type DpopSigner,
} from 'token-reissue/server';

export interface ServerDpop {
  signer: DpopSigner;
  /** The thumbprint of the server's key: its access tokens' `cnf.jkt`. */
  jkt(): Promise<string>;
  keyPair(): Promise<DpopKeyPair>;
}

const HOLDER = Symbol.for('token-reissue.server-dpop');

/** The key's PEM when DPoP is on for the configured adapter. */
export function dpopServerKeyPem(): string | undefined {
  const { DPOP_SERVER_KEY, AUTH_BACKEND } = config();
  return AUTH_BACKEND === 'spring-style' ? undefined : DPOP_SERVER_KEY;
}

/**
 * The API is reached at BACKEND_URL but names itself by its public URL (what the browser calls,
 * and what it checks `htu` against): the server signs the public one.
 */
function publicTarget(url: string): string {
  const { BACKEND_URL, publicBackendUrl } = config();
  const internal = new URL(BACKEND_URL).toString().replace(/\/$/, '');
  const external = new URL(publicBackendUrl).toString().replace(/\/$/, '');
  return url.startsWith(internal) ? `${external}${url.slice(internal.length)}` : url;
}

/** The process's one signer (on `globalThis`: Next bundles the proxy and routes apart), or null. */
export function serverDpop(): ServerDpop | null {
  const pem = dpopServerKeyPem();
  if (!pem) return null;
  const holder = globalThis as typeof globalThis & { [HOLDER]?: ServerDpop };
  if (!holder[HOLDER]) {
    const key = importDpopServerKey(pem);
    holder[HOLDER] = {
      signer: createDpopSigner({ key: async () => (await key).keyPair, htu: publicTarget }),
      jkt: async () => (await key).jkt,
      keyPair: async () => (await key).keyPair,
    };
  }
  return holder[HOLDER];
}
