/**
 * DPoP wiring for this app: the Next server's signer (its configured key, `DPOP_SERVER_KEY`,
 * shared by every process) and what the browser is told so it can sign too. On only with the
 * reference API, the adapter that speaks DPoP; another API keeps bearer tokens.
 */
import 'server-only';
import { config } from '@/lib/config';
import { createDpopSigner, importDpopServerKey, type DpopSigner } from 'token-reissue/server';
import { REFERENCE_REISSUE_PATH } from './backends/reference-paths';

export interface ServerDpop {
  signer: DpopSigner;
  /** The thumbprint of the server's key: its access tokens' `cnf.jkt`. */
  jkt(): Promise<string>;
}

const HOLDER = Symbol.for('token-reissue.server-dpop');

function enabled(): string | undefined {
  const { DPOP_SERVER_KEY, AUTH_BACKEND } = config();
  return AUTH_BACKEND === 'reference' ? DPOP_SERVER_KEY : undefined;
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
  const pem = enabled();
  if (!pem) return null;
  const holder = globalThis as typeof globalThis & { [HOLDER]?: ServerDpop };
  if (!holder[HOLDER]) {
    const key = importDpopServerKey(pem);
    holder[HOLDER] = {
      signer: createDpopSigner({ key: async () => (await key).keyPair, htu: publicTarget }),
      jkt: async () => (await key).jkt,
    };
  }
  return holder[HOLDER];
}

/** The API's reissue endpoint as the browser signs it, or null while DPoP is off. */
export function browserDpopReissueUrl(): string | null {
  if (!enabled()) return null;
  return new URL(REFERENCE_REISSUE_PATH, config().publicBackendUrl).toString();
}
