'use client';

import Link from 'next/link';
import { useState, type Dispatch, type FormEvent, type SetStateAction } from 'react';
import { isAuthRequestError } from 'token-reissue';
import { loadAuthRuntime } from '@/lib/browser/load-runtime';
import type { Post } from '@/lib/validations/post';
import { deletePostAction } from '../actions';

function describe(error: unknown): string {
  if (isAuthRequestError(error) && error.code === 'NOT_SIGNED_IN') {
    return 'You were signed out. Sign in again to continue.';
  }
  if (isAuthRequestError(error)) return error.message;
  return 'Something went wrong. Try again.';
}

/** The day a post was written, in UTC, so the server and the browser render the same text. */
function postDate(createdAt: Post['createdAt']): string {
  const date = new Date(createdAt);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString().slice(0, 10);
}

const NOTICES: Record<string, string> = {
  'delete-failed': 'The post could not be deleted. Try again.',
};

/**
 * The list, its Reload and each post's Delete. With JavaScript they go through clientAuth (the
 * tab's interceptors and actor); without it, Reload is a plain page load and Delete posts to a
 * server action, both asking for confirmation first.
 */
export function PostList({
  posts,
  setPosts,
  penName,
  ended,
  confirmDeleteId,
  notice,
}: {
  posts: Post[];
  setPosts: Dispatch<SetStateAction<Post[]>>;
  penName: string;
  /** The tab's session ended (expired, or signed out elsewhere); errors until then are stale after. */
  ended: boolean;
  confirmDeleteId?: string;
  notice?: string;
}) {
  const [confirming, setConfirming] = useState<string | null>(confirmDeleteId ?? null);
  const [deleting, setDeleting] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | undefined>(notice ? NOTICES[notice] : undefined);
  const [reloading, setReloading] = useState(false);
  // An error from before the person signed in again describes a session that is gone.
  const [wasEnded, setWasEnded] = useState(ended);
  if (ended !== wasEnded) {
    setWasEnded(ended);
    if (!ended) setError(undefined);
  }

  async function reload(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setReloading(true);
    try {
      const { clientAuth, postListSchema } = await loadAuthRuntime();
      const { data } = await clientAuth.get('/posts');
      setPosts(postListSchema.parse(data).posts);
    } catch (e) {
      setError(describe(e));
    } finally {
      setReloading(false);
    }
  }

  async function remove(event: FormEvent<HTMLFormElement>, id: string) {
    event.preventDefault();
    setConfirming(null);
    setError(undefined);
    setDeleting((current) => new Set(current).add(id));
    try {
      const { clientAuth } = await loadAuthRuntime();
      await clientAuth.delete(`/posts/${encodeURIComponent(id)}`);
      setPosts((current) => current.filter((p) => p.id !== id));
    } catch (e) {
      setError(describe(e));
    } finally {
      setDeleting((current) => {
        const next = new Set(current);
        next.delete(id);
        return next;
      });
    }
  }

  return (
    <section aria-labelledby="posts-heading">
      <div className="row">
        <h2 id="posts-heading">
          Your posts <span className="count">{posts.length}</span>
        </h2>
        <form action="/" method="get" onSubmit={reload}>
          <button type="submit" className="secondary" disabled={reloading} aria-busy={reloading}>
            {reloading ? 'Reloading…' : 'Reload'}
          </button>
        </form>
      </div>
      {error && (
        <p className="error" role="alert" data-testid="posts-error">
          {error}
        </p>
      )}
      {posts.length === 0 ? (
        <p className="muted empty">No posts yet. Write your first one above.</p>
      ) : (
        <ul className="posts" data-testid="posts">
          {posts.map((post) => (
            <li key={post.id} id={`post-${post.id}`} className="card post">
              <div>
                <h3>{post.title}</h3>
                <p className="muted post-meta" data-testid="post-byline">
                  by {penName} ·{' '}
                  <time dateTime={postDate(post.createdAt)}>{postDate(post.createdAt)}</time>
                </p>
                {post.body && <p>{post.body}</p>}
              </div>
              {confirming === post.id ? (
                <form
                  className="confirm-delete"
                  action={deletePostAction}
                  onSubmit={(event) => remove(event, post.id)}
                >
                  <p id={`confirm-${post.id}`}>Delete this post for good?</p>
                  <input type="hidden" name="id" value={post.id} />
                  <input type="hidden" name="confirmed" value="yes" />
                  <button
                    type="submit"
                    className="danger"
                    aria-describedby={`confirm-${post.id}`}
                    aria-label={`Yes, delete “${post.title}”`}
                  >
                    Yes, delete
                  </button>
                  <Link
                    href="/"
                    className="button-link"
                    onClick={(event) => {
                      event.preventDefault();
                      setConfirming(null);
                    }}
                  >
                    Keep it
                  </Link>
                </form>
              ) : (
                <form
                  action={deletePostAction}
                  onSubmit={(event) => {
                    event.preventDefault();
                    setConfirming(post.id);
                  }}
                >
                  <input type="hidden" name="id" value={post.id} />
                  <button
                    type="submit"
                    className="danger"
                    disabled={deleting.has(post.id)}
                    aria-label={`Delete “${post.title}”`}
                  >
                    {deleting.has(post.id) ? 'Deleting…' : 'Delete'}
                  </button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
