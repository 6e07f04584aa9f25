'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { isAuthRequestError, type AuthErrorCode } from 'token-reissue';
import type { AuthFormState } from '@/lib/server/auth-form';
import { signInWithPasswordForm } from '@/lib/server/password-sign-in';
import { createPost, deletePost } from '@/lib/server/posts';
import { getSession } from '@/lib/server/session';
import { newPostSchema, type Post } from '@/lib/validations/post';

/** What the person typed into the post form; every answer that does not publish hands it back. */
export interface PostDraft {
  title: string;
  body: string;
}

export type CreatePostState =
  | { ok: true; post: Post }
  | {
      ok: false;
      draft: PostDraft;
      error?: string;
      code?: AuthErrorCode;
      fieldErrors?: { title?: string; body?: string };
      /** The answer to "sign in again" from the form's dialog (the form without JavaScript). */
      signIn?: { ok: true } | ({ ok: false } & AuthFormState);
    };

function draftOf(form: FormData): PostDraft {
  return { title: String(form.get('title') ?? ''), body: String(form.get('body') ?? '') };
}

/**
 * The post form's one action, so that it also works before (or without) JavaScript. Publish
 * creates the post through serverAuth (which reissues and persists the cookie if it must); a
 * session that is gone answers with the typed error, never a redirect, and hands the draft back.
 * `intent=signIn` is the form's "sign in again" dialog without JavaScript: it starts a new
 * session and hands the draft back, so the next Publish sends it.
 */
export async function createPostAction(
  _: CreatePostState | null,
  form: FormData,
): Promise<CreatePostState> {
  const draft = draftOf(form);
  if (form.get('intent') === 'signIn') {
    const signIn = await signInWithPasswordForm(form);
    if (signIn.ok) revalidatePath('/');
    return { ok: false, draft, signIn };
  }
  const input = newPostSchema.safeParse(draft);
  if (!input.success) {
    const errors = z.flattenError(input.error).fieldErrors;
    return { ok: false, draft, fieldErrors: { title: errors.title?.[0], body: errors.body?.[0] } };
  }
  try {
    const post = await createPost(input.data);
    revalidatePath('/');
    return { ok: true, post };
  } catch (error) {
    if (isAuthRequestError(error)) {
      return { ok: false, draft, code: error.code, error: error.message };
    }
    console.error('[posts] create failed', error);
    return { ok: false, draft, error: 'Could not save the post. Try again.' };
  }
}

const deleteForm = z.object({ id: z.string().min(1).max(100), confirmed: z.literal('yes') });

/**
 * Deletes a post when the page runs without JavaScript (with it, the list deletes through
 * clientAuth). The first press asks for confirmation: it comes back to the page with that
 * post's confirmation showing; the second, confirmed, press deletes. Without a session it
 * returns: the page then renders signed out, with the form's "sign in again" dialog.
 */
export async function deletePostAction(form: FormData): Promise<void> {
  if (!(await getSession())) return;
  const id = String(form.get('id') ?? '');
  const input = deleteForm.safeParse({ id, confirmed: form.get('confirmed') });
  if (!input.success) redirect(`/?confirmDelete=${encodeURIComponent(id)}`);
  try {
    await deletePost(input.data.id);
  } catch (error) {
    if (isAuthRequestError(error) && error.code === 'NOT_SIGNED_IN') return;
    if (isAuthRequestError(error) && error.code === 'SESSION_EXPIRED') {
      redirect('/signin?reason=expired&callbackUrl=%2F');
    }
    redirect('/?notice=delete-failed');
  }
  revalidatePath('/');
  redirect('/');
}
