import { describe, expect, test } from 'vitest';
import { NotSignedInError, ReissueUnavailableError, SessionExpiredError } from '@/lib/auth/errors';
import { withPageAuth } from '@/lib/auth/page-auth';

/** Next's redirect() throws an error whose digest carries the target; read it back. */
async function redirectTarget(run: Promise<unknown>): Promise<string | undefined> {
  const error = (await run.catch((e: unknown) => e)) as { digest?: string };
  return error.digest?.split(';')[2];
}

describe('Server Components never end in a 500 because of auth', () => {
  test('a session that ended redirects to sign-in with the return URL and reason=expired', async () => {
    const target = await redirectTarget(
      withPageAuth('/posts?page=2', () => Promise.reject(new SessionExpiredError())),
    );
    const url = new URL(target!, 'http://app.test');
    expect(url.pathname).toBe('/signin');
    expect(url.searchParams.get('callbackUrl')).toBe('/posts?page=2');
    expect(url.searchParams.get('reason')).toBe('expired');
  });

  test('no session at all redirects the same way', async () => {
    const target = await redirectTarget(
      withPageAuth('/', () => Promise.reject(new NotSignedInError())),
    );
    expect(target).toBe('/signin?callbackUrl=%2F&reason=expired');
  });

  test('a transient failure redirects to the 503 retry page with the return URL', async () => {
    const target = await redirectTarget(
      withPageAuth('/posts?page=2', () => Promise.reject(new ReissueUnavailableError())),
    );
    const url = new URL(target!, 'http://app.test');
    expect(url.pathname).toBe('/session-unavailable');
    expect(url.searchParams.get('callbackUrl')).toBe('/posts?page=2');
  });

  test('a failure that is not about auth is rethrown unchanged', async () => {
    const other = new Error('database on fire');
    await expect(withPageAuth('/', () => Promise.reject(other))).rejects.toBe(other);
  });

  test('a successful load passes its value through', async () => {
    expect(await withPageAuth('/', async () => ['post'])).toEqual(['post']);
  });
});
