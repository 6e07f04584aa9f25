'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { loadAuthRuntime } from '@/lib/browser/load-runtime';
import type { CreatePostState } from '../actions';
import { TextField } from './text-field';

const EXPIRED_MESSAGE =
  'Your session ended, so this post was not sent. Sign in again (your draft stays here), then publish.';

/**
 * Writes a post through the server action (`formAction`), so it also works without JavaScript.
 * The draft is React state, not the form's own: a failed save, or an expired session and a new
 * sign-in in the dialog, never clears it.
 */
export function PostForm({
  state,
  formAction,
  pending,
  expired,
}: {
  state: CreatePostState | null;
  formAction: (form: FormData) => void;
  pending: boolean;
  expired: boolean;
}) {
  const [draft, setDraft] = useState({ title: '', body: '' });
  const [blocked, setBlocked] = useState(false);
  // Messages from before the person signed in again describe a session that is gone.
  const [wasExpired, setWasExpired] = useState(expired);
  const [staleState, setStaleState] = useState<CreatePostState | null>(null);
  const [handled, setHandled] = useState<CreatePostState | null>(null);
  if (expired !== wasExpired) {
    setWasExpired(expired);
    if (!expired) {
      setStaleState(state);
      setBlocked(false);
    }
  }
  if (state !== handled) {
    setHandled(state);
    if (state?.ok) setDraft({ title: '', body: '' });
  }

  // The server found the refresh token dead; let the tab's actor confirm and show the dialog.
  useEffect(() => {
    if (state?.ok || state?.code !== 'SESSION_EXPIRED') return;
    void loadAuthRuntime().then(({ getAuthActor }) => {
      const actor = getAuthActor();
      const token = actor.getSnapshot().context.accessToken;
      if (token) actor.send({ type: 'TOKEN_REJECTED', token });
    });
  }, [state]);

  // The tab knows the session ended: the server may still accept the access token for a few
  // seconds (a revoked session's token lives until it expires), so do not publish behind the
  // back of the "session ended" the page shows.
  function onSubmit(event: FormEvent<HTMLFormElement>) {
    if (!expired) return;
    event.preventDefault();
    setBlocked(true);
  }

  const current = state !== staleState ? state : null;
  const fieldErrors = current && !current.ok ? current.fieldErrors : undefined;
  const error = blocked ? EXPIRED_MESSAGE : current && !current.ok ? current.error : undefined;
  return (
    <section className="card" aria-labelledby="write-heading">
      <h2 id="write-heading">Write a post</h2>
      <form action={formAction} onSubmit={onSubmit} className="form">
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
            {current?.ok && !pending ? `Published “${current.post.title}”.` : null}
          </p>
        </div>
      </form>
    </section>
  );
}
