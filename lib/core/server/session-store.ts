/**
 * The one server session store: every read, write and clear of the session cookie goes
 * through it, whoever asks (the proxy, the reissue route, server actions, `serverAuth`,
 * sign-in). It knows cookie names, next-auth's chunking (`name.0`, `name.1`, … for values over
 * 4 KB) and stale-chunk deletion; the encryption is passed in (the app passes next-auth's own
 * `encode`/`decode`), so this module imports no framework and a test can check the cookies it
 * writes against next-auth's own reader.
 *
 * A write is computed once and applied to one or more targets: a response, a cookie store
 * (`cookies()` in route handlers and server actions), or a forwarded request (the proxy hands
 * Server Components the new cookie in the same request).
 */

/** next-auth v4's limits (core/lib/cookie.js); the parity test fails if an upgrade changes them. */
const ALLOWED_COOKIE_SIZE = 4096;
const ESTIMATED_EMPTY_COOKIE_SIZE = 163;
export const SESSION_CHUNK_SIZE = ALLOWED_COOKIE_SIZE - ESTIMATED_EMPTY_COOKIE_SIZE;

export interface CookieOptions {
  httpOnly: true;
  sameSite: 'lax';
  path: '/';
  secure: boolean;
  maxAge: number;
}

export interface SetCookie {
  name: string;
  value: string;
  options: CookieOptions;
}

/** Anything that lists the request's cookies: `req.cookies`, `await cookies()`. */
export interface CookieSource {
  getAll(): { name: string; value: string }[];
}

/** Where a computed write lands. Build one with `responseTarget`, `cookieStoreTarget`, … */
export interface CookieTarget {
  set(cookie: SetCookie): void;
}

export interface SessionStoreOptions<S> {
  /** `next-auth.session-token`, or with `__Secure-` over https. */
  cookieName: string;
  secure: boolean;
  maxAgeSeconds: number;
  /** Encrypts a session (the app passes next-auth's `encode` with its secret). */
  encode(session: S, maxAgeSeconds: number): Promise<string>;
  /** Decrypts a cookie value; may throw or return null for a value it cannot open. */
  decode(raw: string): Promise<unknown>;
  /** Checks a decrypted value has every field a session needs; anything else is no session. */
  parse(value: unknown): S | null;
}

/** A write computed once; apply it to every target that must see it. */
export interface CookieWrite {
  readonly cookies: readonly SetCookie[];
  to(...targets: CookieTarget[]): void;
}

export interface SessionStore<S> {
  readonly cookieName: string;
  /** The session in `source`, or null when there is none, it does not open, or it is malformed. */
  read(source: CookieSource): Promise<S | null>;
  /** The cookies that store `session` where `current` holds the request's cookies. */
  write(current: CookieSource, session: S): Promise<CookieWrite>;
  /** Deletions for every session chunk in `current` (nothing when there is none). */
  clear(current: CookieSource): CookieWrite;
  /** True when `current` carries a session cookie at all (readable or not). */
  present(current: CookieSource): boolean;
}

function cookieWrite(cookies: SetCookie[]): CookieWrite {
  return {
    cookies,
    to(...targets) {
      for (const target of targets) for (const cookie of cookies) target.set(cookie);
    },
  };
}

export function createSessionStore<S>(options: SessionStoreOptions<S>): SessionStore<S> {
  const { cookieName: name, secure, maxAgeSeconds } = options;
  const cookieOptions = (maxAge: number): CookieOptions => ({
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure,
    maxAge,
  });

  const isChunk = (cookie: string) =>
    cookie === name ||
    (cookie.startsWith(`${name}.`) && /^\d+$/.test(cookie.slice(name.length + 1)));
  const index = (cookie: string) => (cookie === name ? 0 : Number(cookie.slice(name.length + 1)));
  const chunks = (source: CookieSource) =>
    source
      .getAll()
      .filter((c) => isChunk(c.name))
      .sort((a, b) => index(a.name) - index(b.name));
  const deletions = (source: CookieSource): SetCookie[] =>
    chunks(source).map((c) => ({ name: c.name, value: '', options: cookieOptions(0) }));

  return {
    cookieName: name,

    async read(source) {
      const raw = chunks(source)
        .map((c) => c.value)
        .join('');
      if (!raw) return null;
      try {
        return options.parse(await options.decode(raw));
      } catch {
        return null;
      }
    },

    async write(current, session) {
      const value = await options.encode(session, maxAgeSeconds);
      const count = Math.ceil(value.length / SESSION_CHUNK_SIZE);
      const fresh: SetCookie[] =
        count <= 1
          ? [{ name, value, options: cookieOptions(maxAgeSeconds) }]
          : Array.from({ length: count }, (_, i) => ({
              name: `${name}.${i}`,
              value: value.slice(i * SESSION_CHUNK_SIZE, (i + 1) * SESSION_CHUNK_SIZE),
              options: cookieOptions(maxAgeSeconds),
            }));
      const kept = new Set(fresh.map((c) => c.name));
      return cookieWrite([...deletions(current).filter((c) => !kept.has(c.name)), ...fresh]);
    },

    clear: (current) => cookieWrite(deletions(current)),

    present: (current) => chunks(current).length > 0,
  };
}

/** A response's cookies (`NextResponse#cookies`): Set-Cookie headers for the browser. */
export function responseTarget(cookies: {
  set(name: string, value: string, options: CookieOptions): unknown;
}): CookieTarget {
  return { set: ({ name, value, options }) => void cookies.set(name, value, options) };
}

/** A cookie store that can set with options (`await cookies()` in actions and route handlers). */
export const cookieStoreTarget = responseTarget;

/**
 * The request the proxy forwards (`NextRequest#cookies`): name and value only, deletions
 * removed, so Server Components rendering this request read what the browser will hold next.
 */
export function forwardedRequestTarget(cookies: {
  set(name: string, value: string): unknown;
  delete(name: string): unknown;
}): CookieTarget {
  return {
    set({ name, value, options }) {
      if (options.maxAge === 0) cookies.delete(name);
      else cookies.set(name, value);
    },
  };
}
