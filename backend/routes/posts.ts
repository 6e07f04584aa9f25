import type { FastifyInstance } from 'fastify';
import { requireAccessToken } from '../authorization';
import { notFound } from '../errors';
import type { Services } from '../services';
import { createPostBody, parse, postParams } from '../validation';

export function registerPostRoutes(app: FastifyInstance, services: Services): void {
  const { posts } = services;
  app.get('/posts', async (request) => {
    const { userId } = await requireAccessToken(request, services);
    return { posts: posts.listFor(userId) };
  });

  app.post('/posts', async (request, reply) => {
    const { userId } = await requireAccessToken(request, services);
    const input = parse(createPostBody, request.body);
    return reply.code(201).send(posts.create(userId, input));
  });

  app.delete('/posts/:id', async (request, reply) => {
    const { userId } = await requireAccessToken(request, services);
    const { id } = parse(postParams, request.params);
    if (!posts.deleteOwned(userId, id)) throw notFound();
    return reply.code(204).send();
  });
}
