import { withPageAuth } from '@/lib/server/page-auth';
import { getSession } from '@/lib/server/session';
import { listPosts } from '@/lib/server/posts';
import { Avatar } from './_components/avatar';
import { Posts } from './_components/posts';
import { PrivateContent } from './_components/private-content';
import { SignedOutNotice } from './_components/signed-out-notice';

export default async function HomePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  // A page load without a session never gets here: the proxy sends it to sign-in. A form posted
  // without JavaScript does (Publish, Delete after the session ended elsewhere): its answer is
  // this page, signed out, with the draft handed back and a way to sign in again in place.
  const session = await getSession();
  const posts = session ? await withPageAuth('/', listPosts) : [];
  return (
    <main className="page">
      <PrivateContent fallback={<SignedOutNotice />}>
        {session ? (
          <section className="profile" aria-label="Your profile">
            <Avatar user={session.user} />
            <div>
              <h1 data-testid="pen-name">{session.user.penName}</h1>
              <p className="muted">{session.user.email}</p>
            </div>
          </section>
        ) : (
          <SignedOutNotice />
        )}
      </PrivateContent>
      <Posts
        initialPosts={posts}
        penName={session?.user.penName ?? ''}
        signedOut={!session}
        confirmDeleteId={
          typeof params.confirmDelete === 'string' ? params.confirmDelete : undefined
        }
        notice={typeof params.notice === 'string' ? params.notice : undefined}
      />
    </main>
  );
}
