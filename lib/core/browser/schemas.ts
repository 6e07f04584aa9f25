// zod/mini: these schemas ship to the browser (the reissue client, the tab channel).
/**
 * The shapes the browser accepts from the Next server, generic over the app's user: the
 * session (`/api/auth/session`, never the refresh token), the reissue answer and its "session
 * ended" refusal. The app passes its user schema once, to `createBrowserAuth`.
 */
import * as z from 'zod/mini';

export type UserSchema<U> = z.core.$ZodType<U>;

export function clientSessionSchema<U>(user: UserSchema<U>) {
  return z.object({
    accessToken: z.string().check(z.minLength(1)),
    accessTokenExpiresAt: z.int().check(z.positive()),
    user,
    /** The server's clock when it answered; the machine corrects the browser's clock with it. */
    serverNow: z.optional(z.number().check(z.positive())),
  });
}

/** 200 from the reissue route: the new session plus the sealed ticket to persist. */
export function reissueResponseSchema<U>(user: UserSchema<U>) {
  return z.extend(clientSessionSchema(user), { ticket: z.string().check(z.minLength(1)) });
}

/** 401 from the reissue route when the refresh token is dead. */
export const reissueSessionExpiredSchema = z.object({ error: z.literal('SESSION_EXPIRED') });
