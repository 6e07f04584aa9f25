/** How to watch the same actor in Stately's inspector (development only, see lib/auth/inspector.ts). */
export function InspectorHelp() {
  return (
    <section className="inspector-help" aria-labelledby="inspector-heading">
      <h2 id="inspector-heading">Watch it in the Stately inspector</h2>
      <p>
        Start the app with <code>NEXT_PUBLIC_XSTATE_INSPECT=1 npm run dev</code> and sign in. A
        second window opens with Stately&apos;s inspector showing this tab&apos;s auth actor: every
        event, state and context change, as a sequence diagram or the machine itself. It is only
        loaded in development, never in a production build.
      </p>
    </section>
  );
}
