// A server action: serverAuth reissues on a 401 and saves the new session cookie.
'use server';

import { auth } from '@/lib/auth/server';

export async function whoAmI(): Promise<string> {
  const { data } = await auth.serverAuth.get<{ email: string }>('/users/me');
  return data.email;
}
