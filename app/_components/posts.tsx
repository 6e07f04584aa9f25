'use client';

import { useActionState, useState } from 'react';
import { useAuthState } from '@/lib/ui/use-auth-state';
import type { Post } from '@/lib/validations/post';
import { createPostAction, type CreatePostState } from '../actions';
import { PostForm } from './post-form';
import { PostList } from './post-list';

/** The user's posts: rendered on the server first, then kept live through clientAuth. */
export function Posts({
  initialPosts,
  penName,
  confirmDeleteId,
  notice,
}: {
  initialPosts: Post[];
  penName: string;
  /** Without JavaScript, a first press of Delete comes back with this post's confirmation open. */
  confirmDeleteId?: string;
  notice?: string;
}) {
  const [posts, setPosts] = useState(initialPosts);
  const [state, formAction, pending] = useActionState<CreatePostState | null, FormData>(
    createPostAction,
    null,
  );
  const expired = useAuthState((snapshot) => snapshot.matches('expired'), false);

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
      <PostForm state={state} formAction={formAction} pending={pending} expired={expired} />
      <PostList
        posts={posts}
        setPosts={setPosts}
        penName={penName}
        expired={expired}
        confirmDeleteId={confirmDeleteId}
        notice={notice}
      />
    </>
  );
}
