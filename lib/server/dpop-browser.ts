/**
 * What the browser is told so it can sign DPoP proofs: the token endpoint its reissue proof
 * names (`htu`), as the API or the provider knows itself. Null while DPoP is off.
 */
import 'server-only';
import { config } from '@/lib/config';
import { oidcBackend } from './backend';
import { REFERENCE_REISSUE_PATH } from './backends/reference-paths';
import { dpopServerKeyPem } from './dpop';

export async function browserDpopReissueUrl(): Promise<string | null> {
  if (!dpopServerKeyPem()) return null;
  const oidc = oidcBackend();
  if (oidc) return oidc.tokenEndpoint();
  return new URL(REFERENCE_REISSUE_PATH, config().publicBackendUrl).toString();
}
