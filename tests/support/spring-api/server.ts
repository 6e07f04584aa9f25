/**
 * A small API shaped like the original write-up's Spring server, for the browser tests of the
 * spring-style adapter: `/api/auth/{login,signup,reissue,logout}` with the refresh token in the
 * `Authorization-Refresh` header, `{ data: { accessToken, refreshToken } }` answers whose only
 * expiry is the JWT's `exp`, the user from `GET /users/me` (numeric id), strict rotation, plus
 * what the app's pages call (`/posts`) and the debug routes its panel and tests use. In memory,
 * CORS for the app's origins, counters the tests read directly.
 */
import cors from '@fastify/cors';
import Fastify, { type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createTokenStore } from './tokens';

export interface SpringUser {
  id: number;
  email: string;
  password: string;
  penName: string;
}

export interface SpringApiOptions {
  accessTtlSeconds: number;
  refreshTtlSeconds?: number;
  corsOrigins: string[];
  users: Omit<SpringUser, 'id'>[];
}

const credentials = z.object({ email: z.string(), password: z.string() });
const signUpBody = credentials.extend({ penName: z.string().min(1) });
const newPost = z.object({ title: z.string().min(1).max(120), body: z.string().max(5000) });
const BEARER = /^Bearer (\S+)$/;

export async function startSpringApi(options: SpringApiOptions) {
  const tokens = createTokenStore({
    accessTtlSeconds: options.accessTtlSeconds,
    refreshTtlSeconds: options.refreshTtlSeconds ?? 14 * 24 * 3600,
  });
  const users: SpringUser[] = options.users.map((u, i) => ({ ...u, id: i + 1 }));
  const posts: { id: number; userId: number; title: string; body: string; createdAt: string }[] =
    [];
  /** `METHOD route status` → count, and the same for requests the browser made (with Origin). */
  const requests = new Map<string, number>();
  const browserRequests = new Map<string, number>();

  const app = Fastify({ logger: false });
  await app.register(cors, {
    origin: options.corsOrigins,
    methods: ['GET', 'POST', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type'],
  });
  app.addHook('onResponse', async (request, reply) => {
    const key = `${request.method} ${request.routeOptions.url ?? 'unmatched'} ${reply.statusCode}`;
    requests.set(key, (requests.get(key) ?? 0) + 1);
    if (request.headers.origin) browserRequests.set(key, (browserRequests.get(key) ?? 0) + 1);
  });

  const unauthorized = {
    status: 401,
    error: 'Unauthorized',
    message: 'Full authentication is required',
  };
  async function currentUser(request: FastifyRequest): Promise<SpringUser | null> {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    const id = token ? await tokens.userOf(token) : null;
    return users.find((u) => u.id === id) ?? null;
  }
  const refreshHeader = (request: FastifyRequest) =>
    BEARER.exec(String(request.headers['authorization-refresh'] ?? ''))?.[1];

  app.get('/healthz', async () => ({ status: 'UP' }));

  app.post('/api/auth/login', async (request, reply) => {
    const body = credentials.safeParse(request.body);
    const user = body.success
      ? users.find((u) => u.email === body.data.email && u.password === body.data.password)
      : undefined;
    if (!user) return reply.code(401).send({ status: 401, message: 'Bad credentials' });
    return { data: await tokens.issue(user.id) };
  });

  app.post('/api/auth/signup', async (request, reply) => {
    const body = signUpBody.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ status: 400, message: 'Invalid body' });
    if (users.some((u) => u.email === body.data.email)) {
      return reply.code(409).send({ status: 409, message: 'Email already registered' });
    }
    const user = { ...body.data, id: users.length + 1 };
    users.push(user);
    return reply
      .code(201)
      .send({ data: { id: user.id, email: user.email, penName: user.penName } });
  });

  app.post('/api/auth/reissue', async (request, reply) => {
    const token = refreshHeader(request);
    const result = token ? await tokens.rotate(token) : { ok: false as const, reason: 'invalid' };
    if (!result.ok)
      return reply.code(401).send({ status: 401, message: `Refresh token ${result.reason}` });
    return { data: { accessToken: result.accessToken, refreshToken: result.refreshToken } };
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const token = refreshHeader(request);
    if (token) await tokens.revokeFamilyOf(token);
    return reply.code(204).send();
  });

  app.get('/users/me', async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.code(401).send(unauthorized);
    return { id: user.id, email: user.email, penName: user.penName, fieldImage: null };
  });

  app.get('/posts', async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.code(401).send(unauthorized);
    return { posts: posts.filter((p) => p.userId === user.id).toReversed() };
  });

  app.post('/posts', async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.code(401).send(unauthorized);
    const body = newPost.safeParse(request.body);
    if (!body.success) return reply.code(400).send({ status: 400, message: 'Invalid post' });
    const post = {
      id: posts.length + 1,
      userId: user.id,
      ...body.data,
      createdAt: new Date().toISOString(),
    };
    posts.push(post);
    return reply.code(201).send(post);
  });

  app.delete('/posts/:id', async (request, reply) => {
    const user = await currentUser(request);
    if (!user) return reply.code(401).send(unauthorized);
    const id = Number((request.params as { id: string }).id);
    const index = posts.findIndex((p) => p.id === id && p.userId === user.id);
    if (index < 0) return reply.code(404).send({ status: 404, message: 'Not found' });
    posts.splice(index, 1);
    return reply.code(204).send();
  });

  app.post('/debug/expire-access-token', async (request, reply) => {
    const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
    return reply.code(token && (await tokens.revokeAccess(token)) ? 204 : 401).send();
  });

  app.post('/debug/revoke-sessions', async (request, reply) => {
    const email = z.object({ email: z.string() }).safeParse(request.body);
    const user = email.success ? users.find((u) => u.email === email.data.email) : undefined;
    if (user) tokens.revokeAllFor(user.id);
    return reply.code(204).send();
  });

  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    url,
    reissues: tokens.counts,
    /** Answers with this route pattern, method and status; `browser` counts only CORS requests. */
    requestCount(route: string, method: string, status: number, browser = false): number {
      return (browser ? browserRequests : requests).get(`${method} ${route} ${status}`) ?? 0;
    },
    stop: () => app.close(),
  };
}

export type SpringApi = Awaited<ReturnType<typeof startSpringApi>>;
