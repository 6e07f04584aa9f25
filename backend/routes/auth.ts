import type { FastifyInstance } from 'fastify';
import type { FastifyRequest } from 'fastify';
import { tokenRequestBinding } from '../authorization';
import { ApiError, invalidGrant, invalidRequest } from '../errors';
import { normaliseEmail } from '../login-limits';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../passwords';
import { tokenResponse, type Services, type TokenBinding } from '../services';
import { loginBody, parse, refreshTokenBody, signupBody } from '../validation';

export function registerAuthRoutes(app: FastifyInstance, services: Services): void {
  const { users, refreshTokens, metrics, limits } = services;

  /**
   * Checked before anything is written or rotated: a proof that fails must not cost the caller
   * its refresh token. A second key is bound only for a caller that proved a first one.
   */
  async function bindingOf(request: FastifyRequest, secondJkt?: string): Promise<TokenBinding> {
    const jkt = await tokenRequestBinding(request, services);
    if (secondJkt && !jkt) throw invalidRequest('secondJkt: needs a DPoP proof');
    return { jkt, secondJkt };
  }

  app.post('/auth/signup', async (request, reply) => {
    try {
      limits.checkSignup(request.ip);
    } catch (error) {
      metrics.signups.inc({ outcome: 'rate_limited' });
      throw error;
    }
    const input = parse(signupBody, request.body);
    const binding = await bindingOf(request, input.secondJkt);
    const user = users.insert({
      email: input.email,
      penName: input.penName,
      passwordHash: await hashPassword(input.password),
    });
    if (!user) {
      metrics.signups.inc({ outcome: 'email_taken' });
      throw new ApiError(409, 'email_taken');
    }
    metrics.signups.inc({ outcome: 'created' });
    const body = await tokenResponse(services, user, refreshTokens.startFamily(user.id), binding);
    return reply.code(201).header('cache-control', 'no-store').send(body);
  });

  app.post('/auth/login', async (request, reply) => {
    // Counted before the body is validated: malformed attempts cost the attacker a try too.
    const email = normaliseEmail((request.body as { email?: unknown } | undefined)?.email);
    try {
      limits.checkLogin(request.ip, email);
    } catch (error) {
      metrics.logins.inc({ outcome: 'rate_limited' });
      throw error;
    }
    const input = parse(loginBody, request.body);
    const binding = await bindingOf(request, input.secondJkt);
    const user = users.findByEmail(input.email);
    const passwordMatches = await verifyPassword(
      input.password,
      user?.passwordHash ?? (await decoyPasswordHash()),
    );
    if (!user || !passwordMatches) {
      limits.recordFailure(request.ip, email);
      metrics.logins.inc({ outcome: 'invalid_credentials' });
      throw new ApiError(401, 'invalid_credentials');
    }
    limits.recordSuccess(request.ip, email);
    metrics.logins.inc({ outcome: 'success' });
    const body = await tokenResponse(services, user, refreshTokens.startFamily(user.id), binding);
    return reply.header('cache-control', 'no-store').send(body);
  });

  app.post('/auth/reissue', async (request, reply) => {
    const { refreshToken, secondJkt } = parse(refreshTokenBody, request.body);
    const binding = await bindingOf(request, secondJkt);
    const result = refreshTokens.reissue(refreshToken);
    metrics.reissues.inc({ outcome: result.outcome });
    if (!result.ok) throw invalidGrant();
    // Families are deleted with their user, so a live family always has one.
    const user = users.findById(result.userId);
    if (!user) throw invalidGrant();
    const body = await tokenResponse(
      services,
      user,
      { refreshToken: result.refreshToken, refreshTokenExpiresAt: result.refreshTokenExpiresAt },
      binding,
    );
    return reply.header('cache-control', 'no-store').send(body);
  });

  app.post('/auth/logout', async (request, reply) => {
    const { refreshToken } = parse(refreshTokenBody, request.body);
    refreshTokens.revokeFamilyOf(refreshToken, 'logout');
    return reply.code(204).send();
  });
}
