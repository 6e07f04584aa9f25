import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeReturnUrl } from '@/lib/server/return-url';
import { getSession } from '@/lib/server/session';
import { signInMethod } from '@/lib/server/sign-in-method';
import { signedUpEmail } from '@/lib/server/signed-up-email';
import { ProviderSignIn } from './provider-sign-in';
import { SignInForm } from './sign-in-form';

export const metadata: Metadata = { title: 'Sign in' };

const NOTICES: Record<string, string> = {
  expired: 'Your session ended. Sign in again to continue.',
  signedOut: 'You are signed out.',
  signedUp: 'Thanks. Sign in with the password you chose.',
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeReturnUrl(params.callbackUrl);
  if (await getSession()) redirect(callbackUrl);
  const reason = typeof params.reason === 'string' ? params.reason : '';
  const method = signInMethod();
  if (method.kind === 'provider') {
    return (
      <main className="narrow">
        <ProviderSignIn
          providerId={method.id}
          name={method.name}
          callbackUrl={callbackUrl}
          notice={NOTICES[reason]}
          error={typeof params.error === 'string' ? params.error : undefined}
        />
      </main>
    );
  }
  const email = reason === 'signedUp' ? await signedUpEmail() : undefined;
  return (
    <main className="narrow">
      <SignInForm callbackUrl={callbackUrl} notice={NOTICES[reason]} email={email} />
      <p className="muted demo-hint">
        Demo account: <code>demo@example.com</code> / <code>demo-password</code>
      </p>
    </main>
  );
}
