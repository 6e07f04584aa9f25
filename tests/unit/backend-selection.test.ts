import { afterEach, describe, expect, it, vi } from 'vitest';

/** lib/config.ts caches what it read, so each case loads the modules afresh. */
async function selectedAdapter() {
  vi.resetModules();
  const { authBackend } = await import('@/lib/auth/backend');
  return authBackend().name;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('AUTH_BACKEND picks the adapter once, in lib/auth/backend.ts', () => {
  it('defaults to the reference API', async () => {
    vi.stubEnv('AUTH_BACKEND', undefined);
    expect(await selectedAdapter()).toBe('reference');
  });

  it('spring-style selects the Spring-style adapter', async () => {
    vi.stubEnv('AUTH_BACKEND', 'spring-style');
    expect(await selectedAdapter()).toBe('spring-style');
  });

  it('an unknown name stops with a message naming the variable', async () => {
    vi.stubEnv('AUTH_BACKEND', 'graphql');
    await expect(selectedAdapter()).rejects.toThrow(/AUTH_BACKEND/);
  });
});
