'use client';

import { useActionState, useState } from 'react';
import { isAuthRequestError } from '@/lib/auth/errors';
import { loadAuthRuntime } from '@/lib/auth/load-runtime';
import type { Post } from '@/lib/validations/post';
import { createPostAction, type CreatePostState } from '../actions';

function describe(error: unknown): string {
  if (isAuthRequestError(error)) return error.message;
  return 'Something went wrong. Try again.';
}

/** The user's posts: rendered on the server first, then kept live through clientAuth. */
export function Posts({ initialPosts }: { initialPosts: Post[] }) {
  const [posts, setPosts] = useState(initialPosts);
  const [deleting, setDeleting] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string>();
  const [reloading, setReloading] = useState(false);
  // The draft is React state, not the form's own: a failed save (or an expired session and a
  // new sign-in in the dialog) never clears it.
  const [draft, setDraft] = useState({ title: '', body: '' });
  const [state, formAction, pending] = useActionState<CreatePostState | null, FormData>(
    async (previous, form) => {
      const result = await createPostAction(previous, form);
      if (result.ok) {
        setPosts((current) => [result.post, ...current.filter((p) => p.id !== result.post.id)]);
        setDraft({ title: '', body: '' });
      } else if (result.code === 'SESSION_EXPIRED') {
        // The server found the refresh token dead; let the tab's actor confirm and show the dialog.
        const actor = (await loadAuthRuntime()).getAuthActor();
        const token = actor.getSnapshot().context.accessToken;
        if (token) actor.send({ type: 'TOKEN_REJECTED', token });
      }
      return result;
    },
    null,
  );

  async function reload() {
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

  async function remove(id: string) {
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

  const fieldErrors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <>
      <section className="card" aria-labelledby="write-heading">
        <h2 id="write-heading">Write a post</h2>
        <form action={formAction} className="form">
          <label htmlFor="post-title">Title</label>
          <input
            id="post-title"
            name="title"
            required
            maxLength={120}
            value={draft.title}
            onChange={(e) => setDraft({ ...draft, title: e.target.value })}
            aria-invalid={Boolean(fieldErrors?.title)}
            aria-describedby={fieldErrors?.title ? 'post-title-error' : undefined}
          />
          {fieldErrors?.title && (
            <p id="post-title-error" className="field-error">
              {fieldErrors.title}
            </p>
          )}
          <label htmlFor="post-body">Body</label>
          <textarea
            id="post-body"
            name="body"
            rows={4}
            maxLength={5000}
            value={draft.body}
            onChange={(e) => setDraft({ ...draft, body: e.target.value })}
            aria-invalid={Boolean(fieldErrors?.body)}
            aria-describedby={fieldErrors?.body ? 'post-body-error' : undefined}
          />
          {fieldErrors?.body && (
            <p id="post-body-error" className="field-error">
              {fieldErrors.body}
            </p>
          )}
          {state && !state.ok && state.error && (
            <p className="error" role="alert">
              {state.error}
            </p>
          )}
          <div className="form-actions">
            <button type="submit" disabled={pending} aria-busy={pending}>
              {pending ? 'Publishing…' : 'Publish'}
            </button>
            <p className="muted" role="status">
              {state?.ok && !pending ? `Published “${state.post.title}”.` : null}
            </p>
          </div>
        </form>
      </section>

      <section aria-labelledby="posts-heading">
        <div className="row">
          <h2 id="posts-heading">
            Your posts <span className="count">{posts.length}</span>
          </h2>
          <button
            type="button"
            className="secondary"
            onClick={reload}
            disabled={reloading}
            aria-busy={reloading}
          >
            {reloading ? 'Reloading…' : 'Reload'}
          </button>
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
              <li key={post.id} className="card post">
                <div>
                  <h3>{post.title}</h3>
                  {post.body && <p>{post.body}</p>}
                </div>
                <button
                  type="button"
                  className="danger"
                  onClick={() => remove(post.id)}
                  disabled={deleting.has(post.id)}
                  aria-label={`Delete “${post.title}”`}
                >
                  {deleting.has(post.id) ? 'Deleting…' : 'Delete'}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
