/** How to watch the same actor in Stately's inspector (development only, see lib/browser/inspector.ts). */
export function InspectorHelp() {
  const development = process.env.NODE_ENV === 'development';
  return (
    <section className="inspector-help" aria-labelledby="inspector-heading">
      <h2 id="inspector-heading">Watch it in the Stately inspector</h2>
      {development ? (
        <p>
          <strong>Open in the Stately inspector</strong>, the last button on the panel, opens a
          second window with Stately&apos;s inspector showing this tab&apos;s auth actor: every
          event, state and context change since the page loaded, as a sequence diagram or the
          machine itself. Nothing opens until you ask; if nothing appears, allow pop-ups for this
          site.
        </p>
      ) : (
        <p>
          Run the app with <code>npm run dev</code> to get a button here that opens Stately&apos;s
          inspector on this tab&apos;s auth actor. Production builds do not include the inspector.
        </p>
      )}
    </section>
  );
}
