import { z } from 'zod';
import { invalidRequest } from './errors';

/** Request bodies, one schema per endpoint. Unknown keys are ignored. */
const email = z.string().trim().toLowerCase().max(254).pipe(z.email());

/**
 * A token request may ask for a second access token bound to another key (a SHA-256 JWK
 * thumbprint, 43 base64url characters): one sign-in or one rotation then serves two holders,
 * e.g. a browser and the server that keeps the refresh token. Needs a DPoP proof of its own.
 */
const secondJkt = z
  .string()
  .regex(/^[A-Za-z0-9_-]{43}$/)
  .optional();

export const signupBody = z.object({
  email,
  password: z.string().min(8).max(128),
  penName: z.string().trim().min(2).max(40),
  secondJkt,
});

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(128),
  secondJkt,
});

/** A refresh token is 32 bytes in base64url (43 characters); leave a little room. */
export const refreshTokenBody = z.object({
  refreshToken: z.string().min(1).max(128),
  secondJkt,
});

export const nonceSwitchBody = z.object({ on: z.boolean().default(true) });

export const createPostBody = z.object({
  title: z.string().trim().min(1).max(120),
  body: z.string().max(5000),
});

export const postParams = z.object({
  id: z.string().min(1).max(64),
});

export const emailBody = z.object({ email });

/** `email: Invalid email address; password: Too small: ...`, one line for logs and clients. */
function describe(error: z.ZodError): string {
  return error.issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
}

export function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidRequest(describe(result.error));
  return result.data;
}
