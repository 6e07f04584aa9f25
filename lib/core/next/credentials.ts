/**
 * next-auth's credentials `authorize()` for an app whose sign-in is email + password at its API:
 * it accepts exactly two shapes, email + password (checked by the API through the adapter) or a
 * reissue ticket (checked by `authorizeTicket`), plus the form fields next-auth's `signIn()` adds.
 * Anything else, including extra fields such as `accessToken` or `user`, is refused.
 */
import { z } from 'zod';
import type { AuthBackend, TokenPair } from '../server/auth-backend';
import type { BaseUser } from '../types';
import { newSessionId } from './session';
import type { TicketVerdict } from './ticket-authorize';

const nextAuthFormFields = {
  csrfToken: z.string().optional(),
  callbackUrl: z.string().optional(),
  json: z.string().optional(),
  redirect: z.string().optional(),
};

export const credentialsSchema = z.union([
  z.strictObject({
    ...nextAuthFormFields,
    email: z.string().min(1).max(254),
    password: z.string().min(1).max(128),
  }),
  z.strictObject({ ...nextAuthFormFields, reissue: z.string().min(1).max(8192) }),
]);

/** What `authorize()` returns to next-auth: the user id, the session id and the API's pair. */
export type AuthorizedUser<U extends BaseUser> = TokenPair<U> & { id: string; sid: string };

export interface CredentialsAuthorizeOptions<U extends BaseUser> {
  backend: Pick<AuthBackend<U, unknown>, 'login'>;
  /** `authorizeTicket` bound to this request (the kit binds store, tickets and reissuer). */
  ticket(ticket: string): Promise<TicketVerdict<U>>;
  log?: (line: string) => void;
}

export function credentialsAuthorize<U extends BaseUser>(options: CredentialsAuthorizeOptions<U>) {
  const log = options.log ?? ((line: string) => console.warn(line));
  return async function authorize(
    credentials: Record<string, string> | undefined,
  ): Promise<AuthorizedUser<U> | null> {
    const input = credentialsSchema.safeParse(credentials ?? {});
    if (!input.success) return null;
    if ('reissue' in input.data) {
      const verdict = await options.ticket(input.data.reissue);
      if (!verdict.ok) {
        log(`[auth] reissue ticket refused: ${verdict.reason}`);
        return null;
      }
      return { id: verdict.tokens.user.id, sid: verdict.sid, ...verdict.tokens };
    }
    const result = await options.backend.login(input.data.email, input.data.password);
    return result.ok ? { id: result.value.user.id, sid: newSessionId(), ...result.value } : null;
  };
}
