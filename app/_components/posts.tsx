'use client';

import { useActionState, useState } from 'react';
import { useSessionEnded } from '@/app/_components/hooks/use-session-ended';
import type { Post } from '@/lib/validations/post';
import { createPostAction, type CreatePostState } from '../actions';
import { PostForm } from './post-form';
import { PostList } from './post-list';

/**
 * The user's posts: rendered on the server first, then kept live through clientAuth. Once the
 * session is gone (signed out elsewhere, or the server rendered this page for a form posted
 * without one) the list is hidden and the form keeps the draft, offering to sign in again.
 */
export function Posts({
  initialPosts,
  penName,
  signedOut,
  confirmDeleteId,
  notice,
}: {
  initialPosts: Post[];
  penName: string;
  /** The server rendered this page without a session (only a form post without JavaScript does). */
  signedOut: boolean;
  /** Without JavaScript, a first press of Delete comes back with this post's confirmation open. */
  confirmDeleteId?: string;
  notice?: string;
}) {
  const [posts, setPosts] = useState(initialPosts);
  // The permalink keys the form's answer by this page, not by its place in the tree: without
  // JavaScript the answer to a post made signed in may render signed out (and back), and the
  // layout's session provider is keyed by the user, so the tree above the form changes.
  const [state, formAction, pending] = useActionState<CreatePostState | null, FormData>(
    createPostAction,
    null,
    '/',
  );
  const ended = useSessionEnded();

  // A published post joins the list as soon as the action answers (without JavaScript, the
  // server-rendered list already holds it; the id keeps it from appearing twice).
  const [handled, setHandled] = useState<CreatePostState | null>(null);
  if (state !== handled) {
    setHandled(state);
    if (state?.ok) {
      const post = state.post;
      setPosts((current) => [post, ...current.filter((p) => p.id !== post.id)]);
    }
  }

  return (
    <>
      <PostForm
        state={state}
        formAction={formAction}
        pending={pending}
        ended={ended}
        signedOut={signedOut}
      />
      {signedOut || ended === 'signedOut' ? (
        <p className="muted empty" data-testid="posts-hidden">
          Your posts show again once you are signed in.
        </p>
      ) : (
        <PostList
          posts={posts}
          setPosts={setPosts}
          penName={penName}
          ended={ended !== null}
          confirmDeleteId={confirmDeleteId}
          notice={notice}
        />
      )}
    </>
  );
}
