/**
 * The `AuthBackend` contract (lib/core/server/auth-backend.ts) for this app's user and sign-up
 * form. Adapters and callers import these names; the core's generic versions carry no app field.
 */
import type * as Core from 'token-reissue/server';
import type { SessionUser } from '@/lib/next-auth';
import type { SignUpInput } from '@/lib/validations/auth';

export type {
  BackendEndpoint,
  BackendFailure,
  BackendResult,
  RequestContext,
  UnavailableCause,
} from 'token-reissue/server';

export type TokenPair = Core.TokenPair<SessionUser>;
export type ReissueOutcome = Core.ReissueOutcome<SessionUser>;
export type AuthBackend = Core.AuthBackend<SessionUser, SignUpInput>;
