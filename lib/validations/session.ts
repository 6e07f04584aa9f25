import { z } from 'zod';
import type { ClientSession, ReissueResult, SessionUser } from '@/machines/auth.types';

export const sessionUserSchema = z.object({
  id: z.string().min(1),
  email: z.string(),
  penName: z.string(),
  fieldImage: z.string().nullable(),
}) satisfies z.ZodType<SessionUser>;

/** The part of `/api/auth/session` the browser may use; the refresh token is never in it. */
export const clientSessionSchema = z.object({
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.number().int().positive(),
  user: sessionUserSchema,
}) satisfies z.ZodType<ClientSession>;

/** 200 from `POST /api/auth/reissue`: the new session plus the sealed ticket to persist. */
export const reissueResponseSchema = clientSessionSchema.extend({
  reissue: z.string().min(1),
}) satisfies z.ZodType<ReissueResult>;

/** 401 from `POST /api/auth/reissue` when the refresh token is dead. */
export const reissueSessionExpiredSchema = z.object({ error: z.literal('SESSION_EXPIRED') });
