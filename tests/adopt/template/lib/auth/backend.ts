// Your API's adapter: it speaks your API and answers in the package's AuthBackend results.
// This one speaks an API of the reference shape: POST /auth/login, /auth/reissue, /auth/logout,
// epoch-millisecond expiries and a `user` in every token answer.
import 'server-only';
import * as z from 'zod';
import type { AuthBackend, TokenPair } from 'token-reissue/server';
import type { AppUser } from '@/types/next-auth';

/** The API's token answer, as this app keeps it (its user is `{ id, email }`). */
export const tokenPairSchema = z.object({
  accessToken: z.string().min(1),
  accessTokenExpiresAt: z.number().int().positive(),
  refreshToken: z.string().min(1),
  refreshTokenExpiresAt: z.number().int().positive(),
  user: z.object({ id: z.string().min(1), email: z.string() }),
});

function toPair(json: unknown): TokenPair<AppUser> | null {
  const parsed = tokenPairSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
}

async function post(path: string, body: unknown) {
  try {
    const response = await fetch(new URL(path, process.env.BACKEND_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
      cache: 'no-store',
    });
    return { status: response.status, json: (await response.json().catch(() => null)) as unknown };
  } catch (error) {
    return { status: 0, json: null, error: String(error) };
  }
}

export const backend: AuthBackend<AppUser> = {
  name: 'my-api',
  async login(email, password) {
    const { status, json } = await post('/auth/login', { email, password });
    const pair = status === 200 ? toPair(json) : null;
    if (pair) return { ok: true, value: pair };
    if (status >= 400 && status < 500) {
      return { ok: false, failure: { kind: 'rejected', status, error: 'login refused' } };
    }
    return {
      ok: false,
      failure: { kind: 'unavailable', cause: 'status', reason: `HTTP ${status}` },
    };
  },
  async reissue(refreshToken) {
    const { status, json } = await post('/auth/reissue', { refreshToken });
    const pair = status === 200 ? toPair(json) : null;
    if (pair) return { ok: true, tokens: pair };
    // 401 means the refresh token is dead; anything else may pass.
    if (status === 401) return { ok: false, code: 'SESSION_EXPIRED', reason: 'invalid_grant' };
    return { ok: false, code: 'REISSUE_UNAVAILABLE', reason: `HTTP ${status}` };
  },
  async logout(refreshToken) {
    await post('/auth/logout', { refreshToken });
  },
  async loadUser() {
    return { ok: false, failure: { kind: 'unavailable', cause: 'status', reason: 'not needed' } };
  },
};
