'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { refreshNextAuthSession } from 'token-reissue';
import { useIsClient } from '@/app/_components/hooks/use-is-client';
import type { SessionEnded } from '@/app/_components/hooks/use-session-ended';
import { loadAuthRuntime } from '@/lib/browser/load-runtime';
import type { CreatePostState, PostDraft } from '../actions';
import { SignInAgainFields } from './sign-in-again-fields';
import { TextField } from './text-field';

const EXPIRED_MESSAGE =
  'Your session ended, so this post was not sent. Sign in again (your draft stays here), then publish.';
const SIGNED_OUT_MESSAGE =
  'You were signed out, so this post was not sent. Sign in again (your draft stays here), then publish.';
const SIGNED_IN_AGAIN = 'Signed in again. Your draft is still here: publish it when you are ready.';

const EMPTY: PostDraft = { title: '', body: '' };

function errorOf(state: CreatePostState | null): string | undefined {
  if (!state || state.ok) return undefined;
  if (state.code === 'NOT_SIGNED_IN') return SIGNED_OUT_MESSAGE;
  return state.error;
}

/**
 * Writes a post through the server action (`formAction`), so it also works without JavaScript.
 * The draft is React state, not the form's own: a failed save, an ended session and a new
 * sign-in in the dialog never clear it; without JavaScript the action hands it back.
 */
export function PostForm({
  state,
  formAction,
  pending,
  ended,
  signedOut,
}: {
  state: CreatePostState | null;
  formAction: (form: FormData) => void;
  pending: boolean;
  /** Why the tab's session ended, as its actor says (with JavaScript). */
  ended: SessionEnded;
  /** The server rendered this page without a session (a form posted without JavaScript). */
  signedOut: boolean;
}) {
  const isClient = useIsClient();
  const [draft, setDraft] = useState<PostDraft>(() => (state && !state.ok ? state.draft : EMPTY));
  const [blocked, setBlocked] = useState(false);
  // Messages from before the person signed in again describe a session that is gone.
  const [wasEnded, setWasEnded] = useState(ended !== null);
  const [staleState, setStaleState] = useState<CreatePostState | null>(null);
  const [handled, setHandled] = useState<CreatePostState | null>(null);
  if ((ended !== null) !== wasEnded) {
    setWasEnded(ended !== null);
    if (ended === null) {
      setStaleState(state);
      setBlocked(false);
    }
  }
  if (state !== handled) {
    setHandled(state);
    if (state?.ok) setDraft(EMPTY);
  }

  // The server found no live session: let the tab confirm it, which shows the sign-in dialog.
  useEffect(() => {
    if (state?.ok || !state?.code) return;
    // No session on the server: next-auth's session refetch tells the header and the actor.
    if (state.code === 'NOT_SIGNED_IN') refreshNextAuthSession();
    // A dead refresh token: the actor checks with a reissue of its own, which ends in `expired`.
    if (state.code === 'SESSION_EXPIRED') {
      void loadAuthRuntime().then(({ getAuthActor }) => {
        const actor = getAuthActor();
        const token = actor.getSnapshot().context.accessToken;
        if (token) actor.send({ type: 'TOKEN_REJECTED', token });
      });
    }
  }, [state]);

  // The tab knows the session ended: the server may still accept the access token for a few
  // seconds (a revoked session's token lives until it expires), so do not publish behind the
  // back of the "session ended" the page shows. Signed out, the server itself refuses.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    if (ended !== 'expired') return;
    event.preventDefault();
    setBlocked(true);
  }

  const current = state !== staleState ? state : null;
  const failed = current && !current.ok ? current : undefined;
  const fieldErrors = failed?.fieldErrors;
  const error = blocked ? EXPIRED_MESSAGE : errorOf(current);
  const status = current?.ok
    ? `Published “${current.post.title}”.`
    : failed?.signIn?.ok
      ? SIGNED_IN_AGAIN
      : null;
  return (
    <section className="card" aria-labelledby="write-heading">
      <h2 id="write-heading">Write a post</h2>
      <form action={formAction} onSubmit={onSubmit} className="form">
        {signedOut && !isClient && <SignInAgainFields answer={failed?.signIn} />}
        <TextField
          name="title"
          label="Title"
          required
          maxLength={120}
          value={draft.title}
          onChange={(e) => setDraft({ ...draft, title: e.target.value })}
          error={fieldErrors?.title}
        />
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
        {error && (
          <p className="error" role="alert" data-testid="post-form-error">
            {error}
          </p>
        )}
        <div className="form-actions">
          <button type="submit" disabled={pending} aria-busy={pending}>
            {pending ? 'Publishing…' : 'Publish'}
          </button>
          <p className="muted" role="status">
            {!pending ? status : null}
          </p>
        </div>
      </form>
    </section>
  );
}
