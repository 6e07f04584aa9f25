import { z } from 'zod';
import { invalidRequest } from './errors';

/** Request bodies, one schema per endpoint. Unknown keys are ignored. */
const email = z.string().trim().toLowerCase().max(254).pipe(z.email());

export const signupBody = z.object({
  email,
  password: z.string().min(8).max(128),
  penName: z.string().trim().min(2).max(40),
});

export const loginBody = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(128),
});

/** A refresh token is 32 bytes in base64url (43 characters); leave a little room. */
export const refreshTokenBody = z.object({
  refreshToken: z.string().min(1).max(128),
});

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
