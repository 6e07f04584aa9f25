// zod/mini: this module ships to the browser (the reissue client).
import * as z from 'zod/mini';
import type { ClientSession, ReissueResult, SessionUser } from '@/machines/auth.types';

export const sessionUserSchema = z.object({
  id: z.string().check(z.minLength(1)),
  email: z.string(),
  penName: z.string(),
  fieldImage: z.nullable(z.string()),
}) satisfies z.ZodMiniType<SessionUser>;

/** The part of `/api/auth/session` the browser may use; the refresh token is never in it. */
export const clientSessionSchema = z.object({
  accessToken: z.string().check(z.minLength(1)),
  accessTokenExpiresAt: z.int().check(z.positive()),
  user: sessionUserSchema,
  /** The server's clock when it answered; the auth machine corrects the browser's clock with it. */
  serverNow: z.optional(z.number().check(z.positive())),
}) satisfies z.ZodMiniType<ClientSession>;

/** 200 from `POST /api/auth/reissue`: the new session plus the sealed ticket to persist. */
export const reissueResponseSchema = z.extend(clientSessionSchema, {
  reissue: z.string().check(z.minLength(1)),
}) satisfies z.ZodMiniType<ReissueResult>;

/** 401 from `POST /api/auth/reissue` when the refresh token is dead. */
export const reissueSessionExpiredSchema = z.object({ error: z.literal('SESSION_EXPIRED') });
