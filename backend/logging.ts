/**
 * The API's log: Fastify's logger at LOG_LEVEL (default `info`), with the per-request lines
 * (incoming, completed, 4xx answers, unknown routes) moved down to `debug`. A line per request
 * drowned everything else in `npm run dev`; `LOG_LEVEL=debug` brings them back. Failures
 * (5xx, errored responses) stay at `error`.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { BackendConfig } from './config';

export class RequestsAtDebug extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (this.isLogDisabled(request)) return;
    if (error) {
      reply.log.error(
        { res: reply, err: error, responseTime: reply.elapsedTime },
        'request errored',
      );
      return;
    }
    reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }

  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    if (reply.statusCode >= 500)
      reply.log.error({ req: request, res: reply, err: error }, error.message);
    else reply.log.debug({ res: reply, err: error }, error.message);
  }

  override routeNotFound(request: FastifyRequest): void {
    if (this.isLogDisabled(request)) return;
    request.log.debug(`Route ${request.raw.method}:${request.raw.url} not found`);
  }
}

/** Fastify options for the server that `npm run backend` and `npm run dev` start. */
export function loggingOptions(config: Pick<BackendConfig, 'logLevel'>) {
  return { logger: { level: config.logLevel }, logController: new RequestsAtDebug() };
}
