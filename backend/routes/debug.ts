import type { FastifyInstance } from 'fastify';
import { requireBearer } from '../bearer';
import type { Services } from '../services';
import { emailBody, parse } from '../validation';

/** What GET /debug lists; the app's panel turns a control off when its route is missing. */
export const DEBUG_ROUTES = ['expire-access-token', 'revoke-sessions'] as const;

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

  /** Every refresh-token family of the user is revoked, as if an admin ended all sessions. */
  app.post('/debug/revoke-sessions', async (request, reply) => {
    const { email } = parse(emailBody, request.body);
    const user = users.findByEmail(email);
    if (user) refreshTokens.revokeAllFor(user.id, 'debug_revoked');
    return reply.code(204).send();
  });
}
