/**
 * The Next server's DPoP key: one EC P-256 private key (PEM, PKCS#8 or SEC1) that every process
 * of the app shares, so any of them can present the server-bound access token the session holds.
 * The private key is imported into WebCrypto as non-extractable; the public half is what the
 * proofs carry and the tokens are bound to (its thumbprint).
 */
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { calculateThumbprint } from 'dpop';
import type { DpopKeyPair } from '../http/dpop';

/** A PEM that is not an EC P-256 private key. */
export class InvalidDpopKeyError extends Error {
  readonly code = 'INVALID_DPOP_KEY' as const;
  override readonly name = 'InvalidDpopKeyError';
}

const ES256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** Accepts `\n` written out, as environment files often carry a PEM on one line. */
function normalisePem(pem: string): string {
  return pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
}

/** Throws `InvalidDpopKeyError` unless `pem` is an EC P-256 private key. */
export function checkDpopServerKey(pem: string): void {
  let key;
  try {
    key = createPrivateKey(normalisePem(pem));
  } catch {
    throw new InvalidDpopKeyError('not a PEM private key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new InvalidDpopKeyError('must be an EC P-256 (ES256) private key');
  }
}

export interface DpopServerKey {
  keyPair: DpopKeyPair;
  /** The key's JWK thumbprint: what the server's access tokens are bound to. */
  jkt: string;
}

export async function importDpopServerKey(pem: string): Promise<DpopServerKey> {
  checkDpopServerKey(pem);
  const privateKeyObject = createPrivateKey(normalisePem(pem));
  const der = privateKeyObject.export({ format: 'der', type: 'pkcs8' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', der, ES256, false, ['sign']);
  const jwk = createPublicKey(privateKeyObject).export({ format: 'jwk' });
  const publicKey = await webcrypto.subtle.importKey('jwk', jwk, ES256, true, ['verify']);
  const keyPair = { privateKey, publicKey } as unknown as DpopKeyPair;
  return { keyPair, jkt: await calculateThumbprint(keyPair.publicKey) };
}
