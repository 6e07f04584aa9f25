import { z } from 'zod';
import type { SessionUser } from '@/lib/next-auth';

/**
 * The claims of an OpenID provider's ID token (or userinfo answer) this app makes its user of.
 * Only `sub` is required; names and pictures are what providers commonly send. Other claims
 * pass (providers add many), but none of them is trusted for anything.
 */
export const oidcClaimsSchema = z.looseObject({
  sub: z.string().min(1).max(255),
  email: z.string().max(254).optional(),
  name: z.string().max(200).optional(),
  preferred_username: z.string().max(200).optional(),
  nickname: z.string().max(200).optional(),
  picture: z.string().optional(),
});

const PEN_NAME_MAX = 40;

/** https pictures only: the page's image policy allows no other remote scheme. */
function pictureOf(value: string | undefined): string | null {
  if (!value) return null;
  try {
    return new URL(value).protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

/** This app's user from a provider's claims: the subject is the id, the name the pen name. */
export function userFromClaims(claims: unknown): SessionUser | null {
  const parsed = oidcClaimsSchema.safeParse(claims);
  if (!parsed.success) return null;
  const { sub, email, name, preferred_username, nickname, picture } = parsed.data;
  const penName = (name || preferred_username || nickname || email || sub).slice(0, PEN_NAME_MAX);
  return { id: sub, email: email ?? '', penName, fieldImage: pictureOf(picture) };
}
