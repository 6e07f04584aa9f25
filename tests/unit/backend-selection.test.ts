import { afterEach, describe, expect, it, vi } from 'vitest';

/** lib/config.ts caches what it read, so each case loads the modules afresh. */
async function selectedAdapter() {
  vi.resetModules();
  const { authBackend } = await import('@/lib/server/backend');
  return authBackend().name;
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('AUTH_BACKEND picks the adapter once, in lib/server/backend.ts', () => {
  it('defaults to the reference API', async () => {
    vi.stubEnv('AUTH_BACKEND', undefined);
    expect(await selectedAdapter()).toBe('reference');
  });

  it('spring-style selects the Spring-style adapter', async () => {
    vi.stubEnv('AUTH_BACKEND', 'spring-style');
    expect(await selectedAdapter()).toBe('spring-style');
  });

  it('oidc selects the OpenID adapter, given the provider', async () => {
    vi.stubEnv('AUTH_BACKEND', 'oidc');
    vi.stubEnv('OIDC_ISSUER', 'https://idp.example.com/realms/demo');
    vi.stubEnv('OIDC_CLIENT_ID', 'app');
    vi.stubEnv('OIDC_CLIENT_SECRET', 'secret');
    expect(await selectedAdapter()).toBe('oidc');
  });

  it('an unknown name stops with a message naming the variable', async () => {
    vi.stubEnv('AUTH_BACKEND', 'graphql');
    await expect(selectedAdapter()).rejects.toThrow(/AUTH_BACKEND/);
  });
});

describe('the OpenID provider settings are validated once, in lib/config.ts', () => {
  async function read() {
    vi.resetModules();
    const { config } = await import('@/lib/config');
    return config();
  }
  const provider = {
    AUTH_BACKEND: 'oidc',
    OIDC_ISSUER: 'https://idp.example.com/realms/demo',
    OIDC_CLIENT_ID: 'app',
    OIDC_CLIENT_SECRET: 'secret',
  };
  const stub = (env: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
  };

  it('defaults: scope with offline_access, client_secret_basic, the issuer host as the name', async () => {
    stub(provider);
    expect((await read()).oidc).toEqual({
      issuer: provider.OIDC_ISSUER,
      clientId: 'app',
      clientSecret: 'secret',
      scope: 'openid profile email offline_access',
      clientAuth: 'client_secret_basic',
      providerName: 'idp.example.com',
      authorizationParams: {},
      allowInsecureHttp: false,
    });
  });

  it('client_secret_post, a name, and extra authorization parameters (Auth0 audience)', async () => {
    stub({
      ...provider,
      OIDC_CLIENT_AUTH: 'client_secret_post',
      OIDC_PROVIDER_NAME: 'Acme',
      OIDC_AUTHORIZATION_PARAMS: 'audience=https%3A%2F%2Fapi.example.com&prompt=login',
    });
    expect((await read()).oidc).toMatchObject({
      clientAuth: 'client_secret_post',
      providerName: 'Acme',
      authorizationParams: { audience: 'https://api.example.com', prompt: 'login' },
    });
  });

  it.each([
    ['without the issuer', { OIDC_ISSUER: undefined }, /OIDC_ISSUER is required/],
    ['without the client id', { OIDC_CLIENT_ID: undefined }, /OIDC_CLIENT_ID is required/],
    ['without the secret', { OIDC_CLIENT_SECRET: undefined }, /OIDC_CLIENT_SECRET is required/],
    [
      'a scope without openid',
      { OIDC_SCOPE: 'profile offline_access' },
      /OIDC_SCOPE must include openid/,
    ],
    ['another client authentication', { OIDC_CLIENT_AUTH: 'private_key_jwt' }, /OIDC_CLIENT_AUTH/],
    ['an http issuer on another host', { OIDC_ISSUER: 'http://idp.example.com' }, /must be https/],
  ])('refuses %s', async (_case, env, message) => {
    stub({ ...provider, ...env });
    await expect(read()).rejects.toThrow(message);
  });

  it('an http issuer on this machine is allowed (development, tests), and marked so', async () => {
    stub({ ...provider, OIDC_ISSUER: 'http://127.0.0.1:8081/realms/test' });
    expect((await read()).oidc?.allowInsecureHttp).toBe(true);
  });

  it('other adapters need none of it', async () => {
    stub({ AUTH_BACKEND: 'reference', OIDC_ISSUER: undefined });
    expect((await read()).oidc).toBeUndefined();
  });
});
