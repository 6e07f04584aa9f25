import type { FastifyInstance } from 'fastify';
import { requireAccessToken } from '../authorization';
import { invalidToken } from '../errors';
import type { Services } from '../services';
import { toPublicUser } from '../users';

export function registerUserRoutes(app: FastifyInstance, services: Services): void {
  const { users } = services;
  app.get('/users/me', async (request) => {
    const { userId } = await requireAccessToken(request, services);
    const user = users.findById(userId);
    if (!user) throw invalidToken();
    return toPublicUser(user);
  });
}
