import { redirect } from 'next/navigation';
import { withPageAuth } from '@/lib/auth/page-auth';
import { getSession } from '@/lib/auth/session';
import { listPosts } from '@/lib/posts';
import { Avatar } from './_components/avatar';
import { Posts } from './_components/posts';

export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const session = await getSession();
  if (!session) redirect('/signin?callbackUrl=%2F');
  const posts = await withPageAuth('/', listPosts);
  return (
    <main className="page">
      <section className="profile" aria-label="Your profile">
        <Avatar user={session.user} />
        <div>
          <h1 data-testid="pen-name">{session.user.penName}</h1>
          <p className="muted">{session.user.email}</p>
        </div>
      </section>
      <Posts
        initialPosts={posts}
        penName={session.user.penName}
        confirmDeleteId={
          typeof params.confirmDelete === 'string' ? params.confirmDelete : undefined
        }
        notice={typeof params.notice === 'string' ? params.notice : undefined}
      />
    </main>
  );
}
