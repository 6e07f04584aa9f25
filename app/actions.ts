'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { isAuthRequestError } from '@/lib/core/errors';
import { createPost } from '@/lib/server/posts';
import { newPostSchema, type Post } from '@/lib/validations/post';

export type CreatePostState =
  | { ok: true; post: Post }
  | { ok: false; error?: string; code?: string; fieldErrors?: { title?: string; body?: string } };

/** Creates a post through serverAuth (which reissues and persists the cookie if it must). */
export async function createPostAction(
  _: CreatePostState | null,
  form: FormData,
): Promise<CreatePostState> {
  const input = newPostSchema.safeParse({
    title: form.get('title') ?? '',
    body: form.get('body') ?? '',
  });
  if (!input.success) {
    const errors = z.flattenError(input.error).fieldErrors;
    return { ok: false, fieldErrors: { title: errors.title?.[0], body: errors.body?.[0] } };
  }
  try {
    const post = await createPost(input.data);
    revalidatePath('/');
    return { ok: true, post };
  } catch (error) {
    if (isAuthRequestError(error)) return { ok: false, code: error.code, error: error.message };
    console.error('[posts] create failed', error);
    return { ok: false, error: 'Could not save the post. Try again.' };
  }
}
