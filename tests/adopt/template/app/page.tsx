import { getServerSession } from 'next-auth';
import { authOptions } from '@/lib/auth/server';
import { Burst, SignIn } from './widgets';

export default async function Page() {
  const session = await getServerSession(authOptions);
  return <main>{session ? <Burst email={session.user.email} /> : <SignIn />}</main>;
}
