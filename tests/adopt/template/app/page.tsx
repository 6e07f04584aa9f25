// A Server Component: serverAuth (axios) and serverFetch call the API with the session's token.
import { getServerSession } from 'next-auth';
import { auth, authOptions } from '@/lib/auth/server';
import { AskServer, Burst, SignIn } from './widgets';

export default async function Page() {
  const session = await getServerSession(authOptions);
  if (!session) return <SignIn />;
  const [{ data: me }, posts] = await Promise.all([
    auth.serverAuth.get<{ email: string }>('/users/me'),
    auth.serverFetch('/posts').then((r) => r.json() as Promise<{ posts: unknown[] }>),
  ]);
  return (
    <main>
      <p data-testid="server-rendered">
        {me.email} has {posts.posts.length} posts
      </p>
      <Burst />
      <AskServer />
    </main>
  );
}
