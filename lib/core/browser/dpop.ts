/**
 * DPoP in the browser: one signer per tab over the profile's IndexedDB key, switched on at run
 * time (the page is told the API's token endpoint, or nothing while DPoP is off), and the key's
 * life tied to the session's: deleted when this tab signs out or the session ends.
 */
import { createDpopSigner, type DpopSigner } from '../http/dpop';
import type { AuthMachineActor } from '../http/actor-token-source';
import type { BaseUser } from '../types';
import { browserDpopKeyStore, type DpopKeyStore } from './dpop-key';

/** User Timing entries of each proof's signing time (read by the browser tests and devtools). */
export const DPOP_MEASURE = 'token-reissue:dpop-proof';
/** Cleared past this many, so a long-lived tab does not grow the performance timeline. */
const MAX_MEASURES = 1_000;

export interface BrowserDpop {
  /** The tab's signer while DPoP is on, else null (asked per request). */
  signer(): DpopSigner | null;
  /** The API's token endpoint a reissue's proof is for, or null while DPoP is off. */
  reissueUrl(): string | null;
  /** Turns DPoP on for `reissueUrl` (the API's reissue endpoint, as the API names itself), or off. */
  configure(reissueUrl: string | null): void;
  keys: DpopKeyStore;
}

export function createBrowserDpop(keys: DpopKeyStore = browserDpopKeyStore()): BrowserDpop {
  let reissueUrl: string | null = null;
  let measures = 0;
  const signer = createDpopSigner({
    key: () => keys.get(),
    onSigned(ms) {
      if (typeof performance.measure !== 'function') return;
      if (++measures > MAX_MEASURES) {
        performance.clearMeasures(DPOP_MEASURE);
        measures = 1;
      }
      const end = performance.now();
      performance.measure(DPOP_MEASURE, { start: end - ms, end });
    },
  });
  return {
    signer: () => (reissueUrl ? signer : null),
    reissueUrl: () => reissueUrl,
    configure(url) {
      reissueUrl = url;
    },
    keys,
  };
}

/**
 * The key follows the session: this tab signing out, or the session ending (the refresh token
 * is dead), deletes it; a sign-out heard from another tab only forgets the cached key (that tab
 * deleted it, and may already have signed in again with a new one).
 */
export function tieKeyToSession<U extends BaseUser>(
  actor: AuthMachineActor<U>,
  dpop: BrowserDpop,
): () => void {
  let previous = actor.getSnapshot();
  const subscription = actor.subscribe((snapshot) => {
    const before = previous;
    previous = snapshot;
    const hadSession = !before.matches('signedOut');
    const ended =
      (snapshot.matches('signedOut') && hadSession) ||
      (snapshot.matches('expired') && !before.matches('expired'));
    if (!ended || !dpop.reissueUrl()) return;
    if (snapshot.matches('signedOut') && snapshot.context.signedOutElsewhere) {
      dpop.keys.forget();
      return;
    }
    void dpop.keys.remove().catch((error: unknown) => {
      console.warn('[auth] the DPoP key could not be deleted', error);
    });
  });
  return () => subscription.unsubscribe();
}
