'use client';

import Link from 'next/link';

/**
 * Whatever fails while rendering a page, the visitor sees what happened and a way on, never a
 * blank page. Generic on purpose: the message never reveals the error's details.
 */
export default function PageError({
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="narrow">
      <section className="card" role="alert" aria-labelledby="page-error-heading">
        <h1 id="page-error-heading">Something went wrong</h1>
        <p>This page could not be shown. Your data is safe; try again.</p>
        <div className="form-actions">
          <button type="button" onClick={reset}>
            Retry
          </button>
          <Link href="/">Go to the home page</Link>
        </div>
      </section>
    </main>
  );
}
