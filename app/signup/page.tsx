import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeReturnUrl } from '@/lib/server/return-url';
import { getSession } from '@/lib/server/session';
import { signInMethod } from '@/lib/server/sign-in-method';
import { SignUpForm } from './sign-up-form';

export const metadata: Metadata = { title: 'Sign up' };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const callbackUrl = safeReturnUrl((await searchParams).callbackUrl);
  if (await getSession()) redirect(callbackUrl);
  // Accounts at an OpenID provider are made there.
  if (signInMethod().kind === 'provider') {
    redirect(`/signin?callbackUrl=${encodeURIComponent(callbackUrl)}`);
  }
  return (
    <main className="narrow">
      <SignUpForm callbackUrl={callbackUrl} />
    </main>
  );
}
