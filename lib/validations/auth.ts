import { z } from 'zod';
import type { TokenPair } from '@/lib/server/auth-backend';
import { sessionUserSchema } from './session';

/** The reference API's answer to login, signup and reissue; also what a reissue ticket seals. */
export const tokenPairSchema = z.object({
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.number().int().positive(),
  refreshToken: z.string().min(1),
  refreshTokenExpiresAt: z.number().int().positive(),
  user: sessionUserSchema,
  /** OpenID providers only: kept for the logout's id_token_hint. */
  idToken: z.string().min(1).optional(),
}) satisfies z.ZodType<TokenPair>;
export type { TokenPair };

/**
 * The decrypted session cookie. A cookie that decrypts but lacks a field (an old format, or
 * one sealed by a leaked secret with another shape) is no session at all. Other claims
 * (`iat`, `exp`, `jti`) pass through.
 */
export const sessionTokenSchema = z.looseObject({
  sub: z.string().min(1),
  /** Set at sign-in and kept across reissues: reissue tickets are bound to it. */
  sid: z.string().min(16).max(64),
  user: sessionUserSchema,
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.number().int().positive(),
  refreshToken: z.string().min(1),
  refreshTokenExpiresAt: z.number().int().positive(),
  idToken: z.string().min(1).optional(),
});

/** Fields next-auth's signIn() adds to every credentials POST. */
const nextAuthFormFields = {
  csrfToken: z.string().optional(),
  callbackUrl: z.string().optional(),
  json: z.string().optional(),
  redirect: z.string().optional(),
};

export const passwordSignInSchema = z.strictObject({
  ...nextAuthFormFields,
  email: z.email().max(254),
  password: z.string().min(1).max(128),
});

export const reissueSignInSchema = z.strictObject({
  ...nextAuthFormFields,
  reissue: z.string().min(1).max(8192),
});

/** Strict: a credentials POST carrying anything else (accessToken, user, id, …) is refused. */
export const credentialsSchema = z.union([passwordSignInSchema, reissueSignInSchema]);

export const signUpSchema = z.object({
  email: z.email('Enter a valid email address').max(254),
  password: z.string().min(8, 'Use at least 8 characters').max(128, 'Use at most 128 characters'),
  penName: z
    .string()
    .trim()
    .min(2, 'Use at least 2 characters')
    .max(40, 'Use at most 40 characters'),
});
export type SignUpInput = z.infer<typeof signUpSchema>;
