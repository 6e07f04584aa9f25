import type { FastifyInstance } from 'fastify';
import { requireBearer } from '../bearer';
import { invalidToken } from '../errors';
import type { Services } from '../services';
import { toPublicUser } from '../users';

export function registerUserRoutes(app: FastifyInstance, { accessTokens, users }: Services): void {
  app.get('/users/me', async (request) => {
    const { userId } = await requireBearer(request, accessTokens);
    const user = users.findById(userId);
    if (!user) throw invalidToken();
    return toPublicUser(user);
  });
}
