import type { FastifyInstance } from 'fastify';
import { requireBearer } from '../bearer';
import { invalidToken } from '../errors';
import type { Services } from '../services';
import { emailBody, parse } from '../validation';

/** What GET /debug lists; the app's panel turns a control off when its route is missing. */
export const DEBUG_ROUTES = [
  'expire-access-token',
  'revoke-sessions',
  'refuses-every-token',
] as const;

/**
 * Demo-only routes for the app's live panel and browser tests; registered only when
 * ENABLE_DEBUG_ROUTES is on (`npm run dev` and `npm start` turn it on for the API they start).
 * They let a demo force the failures a real deployment produces over minutes or days.
 */
export function registerDebugRoutes(
  app: FastifyInstance,
  { accessTokens, refreshTokens, users }: Services,
): void {
  /** Which debug routes this API serves; a 404 here tells the panel they are all off. */
  app.get('/debug', async () => ({ routes: DEBUG_ROUTES }));

  /** The presented access token is rejected from now on, so the next request gets a real 401. */
  app.post('/debug/expire-access-token', async (request, reply) => {
    accessTokens.revoke(await requireBearer(request, accessTokens));
    return reply.code(204).send();
  });

  /**
   * Answers 401 to every token, valid or not, as some APIs do where a 403 is meant (a valid token
   * not allowed here). A client that reissues on every 401 would rotate the refresh token for
   * nothing; this route lets a demo and the browser tests show that one does not.
   */
  app.get('/debug/refuses-every-token', async (request) => {
    await requireBearer(request, accessTokens);
    throw invalidToken();
  });

  /** Every refresh-token family of the user is revoked, as if an admin ended all sessions. */
  app.post('/debug/revoke-sessions', async (request, reply) => {
    const { email } = parse(emailBody, request.body);
    const user = users.findByEmail(email);
    if (user) refreshTokens.revokeAllFor(user.id, 'debug_revoked');
    return reply.code(204).send();
  });
}
