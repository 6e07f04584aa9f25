import type { FastifyError, FastifyInstance } from 'fastify';

/** Error codes the API answers with, as `{ error: code }`. Clients compare these, never messages. */
export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'email_taken'
  | 'invalid_grant'
  | 'invalid_token'
  | 'not_found'
  | 'too_many_requests'
  | 'temporarily_unavailable'
  | 'internal_error';

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly statusCode: number,
    readonly code: ApiErrorCode,
    /** Shown to the client as `message`; omitted when the code says it all. */
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? code);
  }
}

export const invalidRequest = (message: string) => new ApiError(400, 'invalid_request', message);
export const invalidGrant = () => new ApiError(401, 'invalid_grant');
export const invalidToken = () =>
  new ApiError(401, 'invalid_token', undefined, {
    'www-authenticate': 'Bearer error="invalid_token"',
  });
export const notFound = () => new ApiError(404, 'not_found');

function isClientError(error: FastifyError): boolean {
  return typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500;
}

/**
 * One place turns every failure into JSON. Fastify's own 4xx errors (bad JSON, wrong content
 * type, body too large) become `invalid_request`; anything unexpected is a 500 whose details
 * stay in the log, never in the response.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler<FastifyError | ApiError>((error, request, reply) => {
    if (error instanceof ApiError) {
      const body =
        error.detail === undefined
          ? { error: error.code }
          : { error: error.code, message: error.detail };
      return reply.code(error.statusCode).headers(error.headers).send(body);
    }
    if (isClientError(error)) {
      return reply
        .code(error.statusCode!)
        .send({ error: 'invalid_request', message: error.message });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: 'internal_error', message: 'Internal server error' });
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'not_found' }));
}
