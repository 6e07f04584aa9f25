/**
 * What a Spring-style API answers, as the spring-style adapter accepts it: the token pair alone
 * (optionally inside `{ data: … }`, optionally with `expiresIn` seconds) and the user from
 * `/users/me` with a numeric or string id. Server-only (zod classic).
 */
import { z } from 'zod';

/** `{ data: T }` or `T`: many Spring APIs wrap every answer in an envelope. */
function enveloped<T extends z.ZodType>(schema: T) {
  const unwrap = (body: unknown) =>
    typeof body === 'object' && body !== null && 'data' in body ? body.data : body;
  return z.preprocess(unwrap, schema);
}

export const springTokensSchema = enveloped(
  z.object({
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1),
    expiresIn: z.number().positive().optional(),
    refreshTokenExpiresIn: z.number().positive().optional(),
  }),
);
export type SpringTokens = z.infer<typeof springTokensSchema>;

export const springUserSchema = enveloped(
  z
    .object({
      id: z.union([z.string().min(1), z.number().int()]).transform(String),
      email: z.string(),
      penName: z.string().optional(),
      nickname: z.string().optional(),
      fieldImage: z.string().nullable().optional(),
      profileImage: z.string().nullable().optional(),
    })
    .transform((user) => ({
      id: user.id,
      email: user.email,
      penName: user.penName ?? user.nickname ?? user.email,
      fieldImage: user.fieldImage ?? user.profileImage ?? null,
    })),
);
