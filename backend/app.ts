import cors from '@fastify/cors';
import Fastify, {
  type FastifyInstance,
  type FastifyPluginCallback,
  type FastifyServerOptions,
} from 'fastify';
import type { BackendConfig } from './config';
import { openDatabase } from './db';
import { registerErrorHandling } from './errors';
import { ensureKeys } from './keys';
import { registerAuthRoutes } from './routes/auth';
import { registerDebugRoutes } from './routes/debug';
import { registerPostRoutes } from './routes/posts';
import { registerSystemRoutes } from './routes/system';
import { registerUserRoutes } from './routes/users';
import { seedDemoUser } from './seed';
import { createServices, type Services } from './services';

/** Every request body is small JSON; anything bigger is refused before parsing. */
export const BODY_LIMIT_BYTES = 16 * 1024;

export interface BuildOptions {
  /** Fastify's logger; off unless given (tests stay quiet). */
  logger?: FastifyServerOptions['logger'];
  /** Which level each built-in request log line uses (see logging.ts). */
  logController?: FastifyServerOptions['logController'];
  /** `@fastify/otel`'s plugin while tracing is on (tracing.ts): a span per request. */
  tracing?: FastifyPluginCallback;
}

/**
 * Bodies are JSON only (other content types get 415). JSON is parsed as Fastify does
 * (prototype-poisoning checks included), except that an empty body with a JSON content type
 * counts as no body: bodyless POSTs from fetch wrappers that always send the header reach
 * validation instead of failing in the parser.
 */
function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text === '') return done(null, undefined);
    parseJson(request, text, done);
  });
}

function registerRequestMetrics(app: FastifyInstance, { metrics }: Services): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.requests.inc({
      // The route pattern, never the raw URL, so ids and probes do not create new series.
      route: request.routeOptions.url ?? 'unmatched',
      method: request.method,
      status: String(reply.statusCode),
    });
  });
}

export async function buildApp(
  config: BackendConfig,
  options: BuildOptions = {},
): Promise<FastifyInstance> {
  const keys = await ensureKeys(config.dataDir);
  const db = openDatabase(config.dataDir);
  // DPoP's htu names this server by the address it listens on (plus configured public origins).
  let ownOrigins: string[] | undefined;
  const listening = () => {
    if (ownOrigins) return ownOrigins;
    const address = app.server.address();
    if (!address || typeof address !== 'object') return [];
    const hosts = new Set([
      '127.0.0.1',
      'localhost',
      config.host.includes(':') ? `[${config.host}]` : config.host,
    ]);
    ownOrigins = [...hosts].map((host) => `http://${host}:${address.port}`);
    return ownOrigins;
  };
  const services = createServices(config, db, keys, listening);

  const app = Fastify({
    logger: options.logger ?? false,
    logController: options.logController,
    bodyLimit: BODY_LIMIT_BYTES,
    // `request.ip` (the rate limits' address) comes from X-Forwarded-For only when the peer is
    // one of these: the Next server forwarding the browser's address.
    trustProxy: config.trustedProxies,
  });
  app.addHook('onClose', async () => {
    db.close();
  });

  try {
    await seedDemoUser(services.users);
    // First, so every route's requests are spans, continuing the trace the caller sent.
    if (options.tracing) await app.register(options.tracing);
    registerErrorHandling(app);
    registerJsonParser(app);
    registerRequestMetrics(app, services);
    await app.register(cors, {
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'DELETE'],
      // traceparent and tracestate: the browser's requests carry its trace here. DPoP (RFC 9449):
      // the browser sends its proof, and reads the nonce and the challenge.
      allowedHeaders: ['Authorization', 'Content-Type', 'traceparent', 'tracestate', 'DPoP'],
      exposedHeaders: ['DPoP-Nonce', 'WWW-Authenticate'],
      maxAge: 600,
    });
    registerSystemRoutes(app, services);
    registerAuthRoutes(app, services);
    registerUserRoutes(app, services);
    registerPostRoutes(app, services);
    if (config.enableDebugRoutes) registerDebugRoutes(app, services);
    await app.ready();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
