import type { FastifyInstance } from 'fastify';
import type { Services } from '../services';

export function registerSystemRoutes(app: FastifyInstance, { keys, metrics }: Services): void {
  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get('/.well-known/jwks.json', async (_request, reply) =>
    reply.header('cache-control', 'public, max-age=300').send({ keys: [keys.publicJwk] }),
  );

  app.get('/metrics', async (_request, reply) =>
    reply.type(metrics.registry.contentType).send(await metrics.registry.metrics()),
  );
}
