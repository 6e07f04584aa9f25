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
      enableDebugRoutes: false,
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
      ENABLE_DEBUG_ROUTES: '1',
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
      enableDebugRoutes: true,
    });
  });

  it('leaves debug routes off unless ENABLE_DEBUG_ROUTES is 1 or true', () => {
    expect(loadConfig({ ENABLE_DEBUG_ROUTES: '0' }).enableDebugRoutes).toBe(false);
    expect(loadConfig({ ENABLE_DEBUG_ROUTES: 'false' }).enableDebugRoutes).toBe(false);
    expect(loadConfig({ ENABLE_DEBUG_ROUTES: 'true' }).enableDebugRoutes).toBe(true);
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
