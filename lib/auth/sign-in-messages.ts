import { SIGN_IN_ERRORS } from './sign-in-errors';

/** Words for the error codes signIn() and the sign-in/up actions report. */
export function signInErrorMessage(code: string | null | undefined): string {
  switch (code) {
    case SIGN_IN_ERRORS.rateLimited:
      return 'Too many attempts. Wait a minute, then try again.';
    case SIGN_IN_ERRORS.unavailable:
      return 'The service is not reachable right now. Try again in a moment.';
    default:
      return 'That email and password do not match an account.';
  }
}
