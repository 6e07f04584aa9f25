import { signInErrorMessage } from '@/app/_components/sign-in-messages';
import type { CreatePostState } from '../actions';

type SignInAnswer = Extract<CreatePostState, { ok: false }>['signIn'];

/**
 * The "sign in again" dialog for a page without JavaScript, rendered open by the server inside
 * the post form: its Sign in button posts the form (draft included) with `intent=signIn`, so the
 * answer is this page, signed in, with the draft still in the form. With JavaScript the page uses
 * the session dialog instead (session-expired-dialog.tsx), which signs in without leaving.
 */
export function SignInAgainFields({ answer }: { answer: SignInAnswer }) {
  const failed = answer && !answer.ok ? answer : undefined;
  const error = failed?.error ? signInErrorMessage(failed.error) : undefined;
  return (
    <dialog
      open
      className="dialog dialog-inline"
      aria-labelledby="again-title"
      aria-describedby="again-description"
      data-testid="sign-in-again"
    >
      <h2 id="again-title">You were signed out</h2>
      <p id="again-description" className="muted">
        Sign in again to publish: you stay on this page and nothing you typed is lost.
      </p>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <label htmlFor="again-email">Email</label>
      <input
        id="again-email"
        name="email"
        type="email"
        autoComplete="email"
        maxLength={254}
        defaultValue={failed?.values?.email}
        aria-invalid={Boolean(failed?.fieldErrors?.email)}
      />
      <label htmlFor="again-password">Password</label>
      <input
        id="again-password"
        name="password"
        type="password"
        autoComplete="current-password"
        maxLength={128}
        aria-invalid={Boolean(failed?.fieldErrors?.password)}
      />
      <div className="dialog-actions">
        {/* The form's first submit button, so Enter in the password field signs in. */}
        <button type="submit" name="intent" value="signIn" formNoValidate>
          Sign in
        </button>
      </div>
    </dialog>
  );
}
