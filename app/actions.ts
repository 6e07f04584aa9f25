'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { isAuthRequestError } from 'token-reissue';
import { createPost, deletePost } from '@/lib/server/posts';
import { newPostSchema, type Post } from '@/lib/validations/post';

export type CreatePostState =
  | { ok: true; post: Post }
  | { ok: false; error?: string; code?: string; fieldErrors?: { title?: string; body?: string } };

/**
 * Creates a post through serverAuth (which reissues and persists the cookie if it must). The
 * form posts here directly, so publishing also works before (or without) JavaScript.
 */
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

const deleteForm = z.object({ id: z.string().min(1).max(100), confirmed: z.literal('yes') });

/**
 * Deletes a post when the page runs without JavaScript (with it, the list deletes through
 * clientAuth). The first press asks for confirmation: it comes back to the page with that
 * post's confirmation showing; the second, confirmed, press deletes.
 */
export async function deletePostAction(form: FormData): Promise<void> {
  const id = String(form.get('id') ?? '');
  const input = deleteForm.safeParse({ id, confirmed: form.get('confirmed') });
  if (!input.success) redirect(`/?confirmDelete=${encodeURIComponent(id)}`);
  try {
    await deletePost(input.data.id);
  } catch (error) {
    if (isAuthRequestError(error) && error.code !== 'REISSUE_UNAVAILABLE') {
      redirect('/signin?reason=expired&callbackUrl=%2F');
    }
    redirect('/?notice=delete-failed');
  }
  revalidatePath('/');
  redirect('/');
}
