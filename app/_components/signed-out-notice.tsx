/** Stands where the profile was once the session is gone; the draft below stays. */
export function SignedOutNotice() {
  return (
    <section
      className="card signed-out"
      aria-labelledby="signed-out-heading"
      data-testid="signed-out-notice"
    >
      <h1 id="signed-out-heading">Signed out</h1>
      <p className="muted">
        This page no longer shows your profile and posts. What you were writing is still below: sign
        in again to publish it.
      </p>
    </section>
  );
}
