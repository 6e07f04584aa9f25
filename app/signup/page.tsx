import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { safeReturnUrl } from '@/lib/server/return-url';
import { getSession } from '@/lib/server/session';
import { SignUpForm } from './sign-up-form';

export const metadata: Metadata = { title: 'Sign up' };

export default async function SignUpPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const callbackUrl = safeReturnUrl((await searchParams).callbackUrl);
  if (await getSession()) redirect(callbackUrl);
  return (
    <main className="narrow">
      <SignUpForm callbackUrl={callbackUrl} />
    </main>
  );
}
