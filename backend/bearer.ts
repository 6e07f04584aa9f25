import type { FastifyRequest } from 'fastify';
import type { AccessClaims, AccessTokens } from './access-tokens';
import { invalidToken } from './errors';

const BEARER = /^Bearer ([A-Za-z0-9\-_.~+/]+=*)$/i;

/** The claims of the request's Bearer token, or a 401 `invalid_token`. */
export async function requireBearer(
  request: FastifyRequest,
  accessTokens: AccessTokens,
): Promise<AccessClaims> {
  const match = BEARER.exec(request.headers.authorization ?? '');
  const claims = match?.[1] ? await accessTokens.verify(match[1]) : undefined;
  if (!claims) throw invalidToken();
  return claims;
}
