import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError, invalidGrant } from '../errors';
import { decoyPasswordHash, hashPassword, verifyPassword } from '../passwords';
import { tokenResponse, type Services } from '../services';
import { loginBody, parse, refreshTokenBody, signupBody } from '../validation';

/** Login attempts are limited per client address and email, before the body is validated. */
function loginRateLimitKey(request: FastifyRequest): string {
  const body = request.body as { email?: unknown } | undefined;
  const email =
    typeof body?.email === 'string' ? body.email.trim().toLowerCase().slice(0, 254) : '';
  return `${request.ip}|${email}`;
}

export function registerAuthRoutes(app: FastifyInstance, services: Services): void {
  const { users, refreshTokens, metrics, config } = services;

  app.post('/auth/signup', async (request, reply) => {
    const input = parse(signupBody, request.body);
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
    const body = await tokenResponse(services, user, refreshTokens.startFamily(user.id));
    return reply.code(201).header('cache-control', 'no-store').send(body);
  });

  app.post(
    '/auth/login',
    {
      config: {
        rateLimit: {
          max: config.loginRateLimitPerMinute,
          timeWindow: 60_000,
          hook: 'preHandler',
          keyGenerator: loginRateLimitKey,
          errorResponseBuilder: (_request, context) => {
            metrics.logins.inc({ outcome: 'rate_limited' });
            return new ApiError(
              context.statusCode,
              'too_many_requests',
              `Too many sign-in attempts. Try again in ${context.after}.`,
            );
          },
        },
      },
    },
    async (request, reply) => {
      const input = parse(loginBody, request.body);
      const user = users.findByEmail(input.email);
      const passwordMatches = await verifyPassword(
        input.password,
        user?.passwordHash ?? (await decoyPasswordHash()),
      );
      if (!user || !passwordMatches) {
        metrics.logins.inc({ outcome: 'invalid_credentials' });
        throw new ApiError(401, 'invalid_credentials');
      }
      metrics.logins.inc({ outcome: 'success' });
      const body = await tokenResponse(services, user, refreshTokens.startFamily(user.id));
      return reply.header('cache-control', 'no-store').send(body);
    },
  );

  app.post('/auth/reissue', async (request, reply) => {
    const { refreshToken } = parse(refreshTokenBody, request.body);
    const result = refreshTokens.reissue(refreshToken);
    metrics.reissues.inc({ outcome: result.outcome });
    if (!result.ok) throw invalidGrant();
    // Families are deleted with their user, so a live family always has one.
    const user = users.findById(result.userId);
    if (!user) throw invalidGrant();
    const body = await tokenResponse(services, user, {
      refreshToken: result.refreshToken,
      refreshTokenExpiresAt: result.refreshTokenExpiresAt,
    });
    return reply.header('cache-control', 'no-store').send(body);
  });

  app.post('/auth/logout', async (request, reply) => {
    const { refreshToken } = parse(refreshTokenBody, request.body);
    refreshTokens.revokeFamilyOf(refreshToken, 'logout');
    return reply.code(204).send();
  });
}
