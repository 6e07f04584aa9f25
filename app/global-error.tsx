'use client';

import './globals.css';

/**
 * The last resort when the root layout itself fails: it replaces the whole document, so it
 * brings its own <html> and <body>, and still offers a way on.
 */
export default function GlobalError({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <html lang="en">
      <body>
        <main className="narrow">
          <section className="card" role="alert" aria-labelledby="global-error-heading">
            <h1 id="global-error-heading">Something went wrong</h1>
            <p>The app could not be shown. Try again in a moment.</p>
            <div className="form-actions">
              <button type="button" onClick={reset}>
                Retry
              </button>
              {/* A full load, not <Link>: the client router may be what failed. */}
              {/* eslint-disable-next-line @next/next/no-html-link-for-pages */}
              <a href="/">Reload the app</a>
            </div>
          </section>
        </main>
      </body>
    </html>
  );
}
