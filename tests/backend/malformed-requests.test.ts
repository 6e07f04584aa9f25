import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  countRows,
  metric,
  postJson,
  signUp,
  startServer,
  type TestServer,
} from './harness';

let server: TestServer;
let accessToken: string;
let rowsBefore: Record<string, number>;
const TABLES = ['users', 'posts', 'token_families', 'refresh_tokens', 'revoked_access_tokens'];

beforeAll(async () => {
  server = await startServer();
  accessToken = (await signUp(server, 'validator')).accessToken;
  rowsBefore = Object.fromEntries(TABLES.map((table) => [table, countRows(server, table)]));
});
afterAll(async () => {
  await server.close();
});

const json = (value: unknown) => ({ contentType: 'application/json', body: JSON.stringify(value) });
const raw = (contentType: string | undefined, body: string | undefined) => ({ contentType, body });
const signupOk = { email: 'malformed@example.com', password: 'long-enough', penName: 'Valid Name' };

interface Case {
  name: string;
  path: string;
  request: { contentType: string | undefined; body: string | undefined };
  auth?: boolean;
}

const cases: Case[] = [
  {
    name: 'signup with an empty JSON body',
    path: '/auth/signup',
    request: raw('application/json', ''),
  },
  {
    name: 'signup with no body and no content type',
    path: '/auth/signup',
    request: raw(undefined, undefined),
  },
  {
    name: 'signup with truncated JSON',
    path: '/auth/signup',
    request: raw('application/json', '{"email":'),
  },
  {
    name: 'signup with JSON sent as text/plain',
    path: '/auth/signup',
    request: raw('text/plain', JSON.stringify(signupOk)),
  },
  {
    name: 'signup as an HTML form',
    path: '/auth/signup',
    request: raw(
      'application/x-www-form-urlencoded',
      'email=a%40b.c&password=12345678&penName=Form',
    ),
  },
  { name: 'signup with a JSON array', path: '/auth/signup', request: json([signupOk]) },
  { name: 'signup with JSON null', path: '/auth/signup', request: json(null) },
  { name: 'signup with a JSON string', path: '/auth/signup', request: json('hello') },
  { name: 'signup with a JSON number', path: '/auth/signup', request: json(42) },
  {
    name: 'signup without a password',
    path: '/auth/signup',
    request: json({ ...signupOk, password: undefined }),
  },
  {
    name: 'signup with a numeric email',
    path: '/auth/signup',
    request: json({ ...signupOk, email: 12345 }),
  },
  {
    name: 'signup with an operator object as email',
    path: '/auth/signup',
    request: json({ ...signupOk, email: { $gt: '' } }),
  },
  {
    name: 'signup with an email that is not an address',
    path: '/auth/signup',
    request: json({ ...signupOk, email: 'not-an-email' }),
  },
  {
    name: 'signup with a 7-character password',
    path: '/auth/signup',
    request: json({ ...signupOk, password: '1234567' }),
  },
  {
    name: 'signup with a 129-character password',
    path: '/auth/signup',
    request: json({ ...signupOk, password: 'p'.repeat(129) }),
  },
  {
    name: 'signup with a 1-character pen name',
    path: '/auth/signup',
    request: json({ ...signupOk, penName: 'x' }),
  },
  {
    name: 'signup with a 41-character pen name',
    path: '/auth/signup',
    request: json({ ...signupOk, penName: 'x'.repeat(41) }),
  },
  {
    name: 'signup with a null pen name',
    path: '/auth/signup',
    request: json({ ...signupOk, penName: null }),
  },
  {
    name: 'signup with a 15 KB email under the body limit',
    path: '/auth/signup',
    request: json({ ...signupOk, email: `${'a'.repeat(15_000)}@example.com` }),
  },
  {
    name: 'signup with a body just over 16 KiB',
    path: '/auth/signup',
    request: json({ ...signupOk, penName: 'x'.repeat(17_000) }),
  },
  {
    name: 'signup with a 1 MB payload',
    path: '/auth/signup',
    request: json({ ...signupOk, padding: 'x'.repeat(1_000_000) }),
  },
  {
    name: 'signup with a __proto__ key',
    path: '/auth/signup',
    request: raw(
      'application/json',
      `{"__proto__":{"admin":true},"email":"${signupOk.email}","password":"long-enough","penName":"Proto"}`,
    ),
  },
  { name: 'login with an empty object', path: '/auth/login', request: json({}) },
  {
    name: 'login without a password',
    path: '/auth/login',
    request: json({ email: 'demo@example.com' }),
  },
  {
    name: 'login with an array as email',
    path: '/auth/login',
    request: json({ email: ['demo@example.com'], password: 'demo-password' }),
  },
  {
    name: 'login with a boolean password',
    path: '/auth/login',
    request: json({ email: 'demo@example.com', password: true }),
  },
  {
    name: 'reissue with a numeric refresh token',
    path: '/auth/reissue',
    request: json({ refreshToken: 123 }),
  },
  {
    name: 'reissue with a null refresh token',
    path: '/auth/reissue',
    request: json({ refreshToken: null }),
  },
  {
    name: 'reissue with a 10 KB refresh token',
    path: '/auth/reissue',
    request: json({ refreshToken: 'r'.repeat(10_000) }),
  },
  {
    name: 'reissue with an empty refresh token',
    path: '/auth/reissue',
    request: json({ refreshToken: '' }),
  },
  { name: 'logout without a refresh token', path: '/auth/logout', request: json({}) },
  {
    name: 'post with an empty title',
    path: '/posts',
    request: json({ title: '', body: 'x' }),
    auth: true,
  },
  {
    name: 'post with a whitespace-only title',
    path: '/posts',
    request: json({ title: '   ', body: 'x' }),
    auth: true,
  },
  {
    name: 'post with a 121-character title',
    path: '/posts',
    request: json({ title: 't'.repeat(121), body: '' }),
    auth: true,
  },
  {
    name: 'post with a 5001-character body',
    path: '/posts',
    request: json({ title: 'ok', body: 'b'.repeat(5001) }),
    auth: true,
  },
  {
    name: 'post with a numeric body',
    path: '/posts',
    request: json({ title: 'ok', body: 5 }),
    auth: true,
  },
  { name: 'post without a title', path: '/posts', request: json({ body: 'no title' }), auth: true },
  {
    name: 'post with a JSON array',
    path: '/posts',
    request: json([{ title: 'ok', body: '' }]),
    auth: true,
  },
  {
    name: 'post as text/plain',
    path: '/posts',
    request: raw('text/plain', 'title=ok'),
    auth: true,
  },
];

describe('malformed requests get a 4xx JSON invalid_request and write nothing', () => {
  it.each(cases)('$name', async ({ path, request, auth }) => {
    const headers: Record<string, string> = auth ? bearer(accessToken) : {};
    if (request.contentType) headers['content-type'] = request.contentType;

    const response = await fetch(`${server.url}${path}`, {
      method: 'POST',
      headers,
      body: request.body,
    });

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = await response.json();
    expect(body).toEqual({ error: 'invalid_request', message: expect.any(String) });
    expect(body.message).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('refuses bodies over 16 KiB with 413', async () => {
    const response = await postJson(`${server.url}/auth/login`, {
      email: 'x@example.com',
      password: 'p'.repeat(20_000),
    });

    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a non-JSON content type with 415', async () => {
    const response = await fetch(`${server.url}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'demo@example.com demo-password',
    });

    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('left every table as it was and created no account for the attempted email', async () => {
    const rowsAfter = Object.fromEntries(TABLES.map((table) => [table, countRows(server, table)]));
    const login = await postJson(`${server.url}/auth/login`, {
      email: signupOk.email,
      password: signupOk.password,
    });

    expect(rowsAfter).toEqual(rowsBefore);
    expect(login.status).toBe(401);
    expect(await metric(server, 'api_requests_total', { status: '500' })).toBe(0);
  });
});
