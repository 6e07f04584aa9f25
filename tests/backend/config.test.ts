import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '@/backend/config';

describe('loadConfig', () => {
  it('uses the documented defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: path.resolve('.data/backend'),
      accessTokenTtlSeconds: 60,
      refreshTokenTtlSeconds: 14 * 24 * 60 * 60,
      reuseGraceSeconds: 30,
      corsOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000'],
      jwtIssuer: 'token-reissue-api',
      jwtAudience: 'token-reissue-app',
      loginRateLimitPerMinute: 20,
      loginRateLimitPerAddressPerMinute: 100,
      loginRateLimitWindowSeconds: 60,
      loginFailuresPerAccountPer15Minutes: 100,
      signupRateLimitPerMinute: 10,
      rateLimitCapacity: 100_000,
      trustedProxies: ['loopback'],
      enableDebugRoutes: false,
      logLevel: 'info',
    });
  });

  it('reads every variable from the given environment, treating empty values as unset', () => {
    const config = loadConfig({
      BACKEND_PORT: '0',
      BACKEND_HOST: '0.0.0.0',
      BACKEND_DATA_DIR: '/tmp/api-data',
      ACCESS_TOKEN_TTL: '5',
      REFRESH_TOKEN_TTL: 3600,
      REUSE_GRACE_SECONDS: '0',
      CORS_ORIGINS: ' https://app.example , http://localhost:3000 ',
      JWT_ISSUER: 'issuer',
      JWT_AUDIENCE: '',
      LOGIN_RATE_LIMIT_PER_MINUTE: '3',
      LOGIN_RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '30',
      LOGIN_RATE_LIMIT_WINDOW_SECONDS: '120',
      LOGIN_FAILURES_PER_ACCOUNT_PER_15_MINUTES: '40',
      SIGNUP_RATE_LIMIT_PER_MINUTE: '2',
      RATE_LIMIT_CAPACITY: '500',
      TRUSTED_PROXIES: ' 10.0.0.0/8 , 127.0.0.1 ',
      ENABLE_DEBUG_ROUTES: '1',
      LOG_LEVEL: 'debug',
    });

    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      dataDir: '/tmp/api-data',
      accessTokenTtlSeconds: 5,
      refreshTokenTtlSeconds: 3600,
      reuseGraceSeconds: 0,
      corsOrigins: ['https://app.example', 'http://localhost:3000'],
      jwtIssuer: 'issuer',
      jwtAudience: 'token-reissue-app',
      loginRateLimitPerMinute: 3,
      loginRateLimitPerAddressPerMinute: 30,
      loginRateLimitWindowSeconds: 120,
      loginFailuresPerAccountPer15Minutes: 40,
      signupRateLimitPerMinute: 2,
      rateLimitCapacity: 500,
      trustedProxies: ['10.0.0.0/8', '127.0.0.1'],
      enableDebugRoutes: true,
      logLevel: 'debug',
    });
  });

  it('leaves debug routes off unless ENABLE_DEBUG_ROUTES is 1 or true', () => {
    expect(loadConfig({ ENABLE_DEBUG_ROUTES: '0' }).enableDebugRoutes).toBe(false);
    expect(loadConfig({ ENABLE_DEBUG_ROUTES: 'false' }).enableDebugRoutes).toBe(false);
    expect(loadConfig({ ENABLE_DEBUG_ROUTES: 'true' }).enableDebugRoutes).toBe(true);
  });

  it('trusts no proxy when TRUSTED_PROXIES is none', () => {
    expect(loadConfig({ TRUSTED_PROXIES: 'none' }).trustedProxies).toBe(false);
  });

  it.each([
    ['BACKEND_PORT', 'eighty'],
    ['BACKEND_PORT', '70000'],
    ['ACCESS_TOKEN_TTL', '0'],
    ['ACCESS_TOKEN_TTL', '1.5'],
    ['REUSE_GRACE_SECONDS', '-1'],
    ['CORS_ORIGINS', 'not a url'],
    ['ENABLE_DEBUG_ROUTES', 'yes'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

describe('a trusted identity provider (TRUSTED_ISSUER)', () => {
  const issuer = 'https://idp.example.com/realms/demo';

  it('is off by default', () => {
    expect(loadConfig({}).trustedIssuer).toBeUndefined();
  });

  it('takes the audience, an asymmetric algorithm allow-list and the token types', () => {
    expect(
      loadConfig({
        TRUSTED_ISSUER: issuer,
        TRUSTED_AUDIENCE: 'https://api.example.com',
        TRUSTED_ALGORITHMS: 'RS256, ES256',
        TRUSTED_TOKEN_TYPES: 'application/at+jwt,JWT',
      }).trustedIssuer,
    ).toEqual({
      issuer,
      audience: 'https://api.example.com',
      algorithms: ['RS256', 'ES256'],
      tokenTypes: ['at+jwt', 'jwt'],
    });
    expect(
      loadConfig({ TRUSTED_ISSUER: issuer, TRUSTED_AUDIENCE: 'a', TRUSTED_TOKEN_TYPES: '*' })
        .trustedIssuer,
    ).toMatchObject({ algorithms: ['RS256', 'PS256', 'ES256', 'EdDSA'], tokenTypes: [] });
  });

  it.each([
    ['without an audience', { TRUSTED_ISSUER: issuer }, /TRUSTED_AUDIENCE/],
    [
      'HS256',
      { TRUSTED_ISSUER: issuer, TRUSTED_AUDIENCE: 'a', TRUSTED_ALGORITHMS: 'RS256,HS256' },
      /TRUSTED_ALGORITHMS/,
    ],
    [
      'none',
      { TRUSTED_ISSUER: issuer, TRUSTED_AUDIENCE: 'a', TRUSTED_ALGORITHMS: 'none' },
      /TRUSTED_ALGORITHMS/,
    ],
    [
      'an issuer that is not a URL',
      { TRUSTED_ISSUER: 'idp', TRUSTED_AUDIENCE: 'a' },
      /TRUSTED_ISSUER/,
    ],
  ])('refuses %s', (_case, env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });
});
