/**
 * What the test provider did, counted from oidc-provider's own events and kept in its SQLite
 * store (so a restart keeps the counts): token grants by type, grant errors by OAuth error,
 * replays of rotated refresh tokens, grants revoked (distinct grant ids, by the route that
 * revoked them), RP-initiated logouts and server errors. The tests assert on these numbers.
 */
import type Provider from 'oidc-provider';
import type { Db } from './store';

export interface ProviderCounts {
  /** `grant_type=refresh_token` answered with tokens. */
  refreshGrants: number;
  /** `grant_type=authorization_code` answered with tokens (sign-ins). */
  codeGrants: number;
  /** Token endpoint errors by OAuth error code (`invalid_grant`, …). */
  grantErrors: Record<string, number>;
  /** A rotated refresh token presented again (the grant is revoked for it). */
  replays: number;
  /** Distinct grants the provider revoked: on replay (`token`), RFC 7009 (`revocation`), logout. */
  grantsRevoked: number;
  grantsRevokedBy: Record<string, number>;
  refreshTokensConsumed: number;
  endSessions: number;
  serverErrors: number;
  /** Grants revoked through the test-only admin route (not an event of the protocol). */
  adminRevocations: number;
}

interface OidcContext {
  oidc?: { params?: Record<string, unknown>; route?: string };
}

const REPLAY_DETAIL = 'refresh token already used';

export function countEvents(provider: Provider, db: Db): void {
  const bump = db.prepare(
    'INSERT INTO counts (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1',
  );
  const revoked = db.prepare(
    'INSERT OR IGNORE INTO revoked_grants (grant_id, route) VALUES (?, ?)',
  );
  // Typed loosely: @types/oidc-provider lists some of these events with other signatures.
  const on = (event: string, listener: (...args: never[]) => void) =>
    (provider.on as (event: string, listener: (...args: unknown[]) => void) => void).call(
      provider,
      event,
      listener as (...args: unknown[]) => void,
    );

  on('grant.success', (ctx: OidcContext) => {
    bump.run(`grant:${String(ctx.oidc?.params?.grant_type ?? 'unknown')}`);
  });
  on('grant.error', (_ctx: OidcContext, error: { error?: string; error_detail?: string }) => {
    bump.run(`grant_error:${error.error ?? 'unknown'}`);
    // The answer says only "grant request is invalid"; the reason is in the detail.
    if (error.error_detail === REPLAY_DETAIL) bump.run('replay');
  });
  on('grant.revoked', (ctx: OidcContext, grantId: string) => {
    revoked.run(grantId, ctx.oidc?.route ?? 'unknown');
  });
  on('refresh_token.consumed', () => bump.run('refresh_token_consumed'));
  on('end_session.success', () => bump.run('end_session'));
  on('server_error', (_ctx: OidcContext, error: Error) => {
    bump.run('server_error');
    console.error(`[provider] server_error: ${error.message}`);
  });
}

export function noteAdminRevocations(db: Db, grants: number): void {
  db.prepare(
    'INSERT INTO counts (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = value + excluded.value',
  ).run('admin_revocations', grants);
}

export function readCounts(db: Db): ProviderCounts {
  const rows = db.prepare<[], { name: string; value: number }>('SELECT * FROM counts').all();
  const count = (name: string) => rows.find((row) => row.name === name)?.value ?? 0;
  const grantErrors = Object.fromEntries(
    rows
      .filter((row) => row.name.startsWith('grant_error:'))
      .map((row) => [row.name.slice('grant_error:'.length), row.value]),
  );
  const byRoute = db
    .prepare<[], { route: string; n: number }>(
      'SELECT route, COUNT(*) AS n FROM revoked_grants GROUP BY route',
    )
    .all();
  return {
    refreshGrants: count('grant:refresh_token'),
    codeGrants: count('grant:authorization_code'),
    grantErrors,
    replays: count('replay'),
    grantsRevoked: byRoute.reduce((sum, row) => sum + row.n, 0),
    grantsRevokedBy: Object.fromEntries(byRoute.map((row) => [row.route, row.n])),
    refreshTokensConsumed: count('refresh_token_consumed'),
    endSessions: count('end_session'),
    serverErrors: count('server_error'),
    adminRevocations: count('admin_revocations'),
  };
}
