import type { FastifyRequest } from 'fastify';
import type { AccessClaims } from './access-tokens';
import { invalidDpopProof, invalidDpopToken, invalidToken } from './errors';
import type { Services } from './services';

/**
 * The `Authorization` header of a resource request → the access token's claims, or a 401.
 * `Bearer <token>` is accepted only for an unbound token, and only while DPoP is optional: a
 * DPoP-bound token presented as a bearer is refused always (RFC 9449 §7.2), whoever holds it.
 * `DPoP <token>` needs a proof (`DPoP` header) signed by the key the token is bound to
 * (`cnf.jkt`), for this method and URL, with `ath` equal to the token's hash.
 */
const AUTHORIZATION = /^(Bearer|DPoP) ([A-Za-z0-9\-_.~+/]+=*)$/i;

export async function requireAccessToken(
  request: FastifyRequest,
  { accessTokens, dpop, config }: Pick<Services, 'accessTokens' | 'dpop' | 'config'>,
): Promise<AccessClaims> {
  const required = config.dpop.required;
  const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
  const scheme = match?.[1]?.toLowerCase();
  const token = match?.[2];
  if (!token)
    throw required ? invalidDpopToken('a DPoP-bound access token is required') : invalidToken();
  const claims = await accessTokens.verify(token);

  if (scheme === 'bearer') {
    if (!claims) throw required ? invalidDpopToken('invalid access token') : invalidToken();
    if (claims.jkt)
      throw invalidDpopToken('a DPoP-bound access token needs the DPoP scheme and a proof');
    if (required) throw invalidDpopToken('a DPoP-bound access token is required');
    return claims;
  }

  if (!claims) throw invalidDpopToken('invalid access token');
  if (!claims.jkt) throw invalidDpopToken('the access token is not DPoP-bound');
  const jkt = await dpop.verify({
    header: request.headers.dpop,
    method: request.method,
    url: request.url,
    endpoint: 'resource',
    accessToken: token,
  });
  if (jkt !== claims.jkt) {
    throw invalidDpopProof('resource', "the proof's key is not the one the token is bound to");
  }
  return claims;
}

/**
 * A token request's proof (§5): the thumbprint to bind the new access token to, or undefined
 * for a request without one (refused with DPOP_REQUIRED).
 */
export async function tokenRequestBinding(
  request: FastifyRequest,
  { dpop, config }: Pick<Services, 'dpop' | 'config'>,
): Promise<string | undefined> {
  const header = request.headers.dpop;
  if (header === undefined) {
    if (config.dpop.required) throw invalidDpopProof('token', 'DPoP proof required');
    return undefined;
  }
  return dpop.verify({ header, method: request.method, url: request.url, endpoint: 'token' });
}
