import 'server-only';
import { config } from '@/lib/config';
import { OIDC_PROVIDER_ID, PASSWORD_SIGN_IN, type SignInMethod } from '@/lib/sign-in-method';

/** This deployment's sign-in method (lib/sign-in-method.ts), from its configuration. */
export function signInMethod(): SignInMethod {
  const { oidc } = config();
  return oidc
    ? { kind: 'provider', id: OIDC_PROVIDER_ID, name: oidc.providerName }
    : PASSWORD_SIGN_IN;
}
