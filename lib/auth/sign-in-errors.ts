/** Error codes `signIn()` reports in `result.error` and the auth actions return. */
export const SIGN_IN_ERRORS = {
  credentials: 'CredentialsSignin',
  rateLimited: 'RateLimited',
  unavailable: 'ApiUnavailable',
} as const;
