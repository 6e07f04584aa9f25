import 'server-only';
import { config } from '@/lib/config';
import { tokenPairSchema, type SignUpInput, type TokenPair } from '@/lib/validations/auth';

/** Why the API refused or failed; callers map these to typed errors. */
export type BackendFailure =
  { kind: 'rejected'; status: number; error: string } | { kind: 'unavailable'; reason: string };

export type BackendResult<T> = { ok: true; value: T } | { ok: false; failure: BackendFailure };

/** Who the request is for: the browser's address lets the API rate-limit per address. */
export interface CallerInfo {
  clientAddress?: string;
}

function callerHeaders(caller: CallerInfo): Record<string, string> {
  // The API trusts this header only from its TRUSTED_PROXIES (the Next server).
  return caller.clientAddress ? { 'x-forwarded-for': caller.clientAddress } : {};
}

/** POSTs JSON to the API with a timeout and validates a token-pair answer; never throws. */
async function postForTokens(
  path: string,
  body: unknown,
  caller: CallerInfo = {},
): Promise<BackendResult<TokenPair>> {
  const { BACKEND_URL, BACKEND_TIMEOUT_MS } = config();
  let response: Response;
  try {
    response = await fetch(new URL(path, BACKEND_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...callerHeaders(caller) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(BACKEND_TIMEOUT_MS),
      cache: 'no-store',
    });
  } catch (error) {
    return { ok: false, failure: { kind: 'unavailable', reason: describe(error) } };
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (response.status >= 400 && response.status < 500) {
    const error =
      typeof json === 'object' && json && 'error' in json && typeof json.error === 'string'
        ? json.error
        : 'unknown';
    return { ok: false, failure: { kind: 'rejected', status: response.status, error } };
  }
  const parsed = tokenPairSchema.safeParse(json);
  if (!response.ok || !parsed.success) {
    const reason = response.ok
      ? `malformed ${path} response: ${parsed.error?.issues[0]?.message ?? 'not JSON'}`
      : `${path} answered ${response.status}`;
    console.error(`[auth] API ${reason}`);
    return { ok: false, failure: { kind: 'unavailable', reason } };
  }
  return { ok: true, value: parsed.data };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export const backend = {
  login: (email: string, password: string, caller?: CallerInfo) =>
    postForTokens('/auth/login', { email, password }, caller),
  signUp: (input: SignUpInput, caller?: CallerInfo) => postForTokens('/auth/signup', input, caller),
  reissue: (refreshToken: string) => postForTokens('/auth/reissue', { refreshToken }),
  async logout(refreshToken: string): Promise<void> {
    const { BACKEND_URL, BACKEND_TIMEOUT_MS } = config();
    await fetch(new URL('/auth/logout', BACKEND_URL), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken }),
      signal: AbortSignal.timeout(BACKEND_TIMEOUT_MS),
    }).catch((error) => console.warn(`[auth] logout call failed: ${describe(error)}`));
  },
};
