/**
 * The test provider's state on disk (SQLite): every oidc-provider model (grants, sessions,
 * refresh tokens, …) and the event counters the tests read. On disk, so a provider process that
 * was stopped for real and started again on the same data directory still knows every grant and
 * refresh token it issued, as a production provider with a database would.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS entries (
  model      TEXT NOT NULL,
  id         TEXT NOT NULL,
  payload    TEXT NOT NULL,
  grant_id   TEXT,
  uid        TEXT,
  user_code  TEXT,
  account_id TEXT,
  expires_at INTEGER,
  PRIMARY KEY (model, id)
);
CREATE INDEX IF NOT EXISTS entries_grant ON entries(grant_id);
CREATE INDEX IF NOT EXISTS entries_uid ON entries(model, uid);
CREATE INDEX IF NOT EXISTS entries_account ON entries(model, account_id);

CREATE TABLE IF NOT EXISTS counts (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS revoked_grants (
  grant_id TEXT PRIMARY KEY,
  route    TEXT NOT NULL
);
`;

export function openStore(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, 'provider.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  return db;
}

type Payload = Record<string, unknown> & {
  grantId?: string;
  uid?: string;
  userCode?: string;
  accountId?: string;
};

/** oidc-provider's adapter interface, one instance per model, all in one table. */
export function adapterFor(db: Db) {
  const upsert = db.prepare(
    `INSERT OR REPLACE INTO entries (model, id, payload, grant_id, uid, user_code, account_id, expires_at)
     VALUES (@model, @id, @payload, @grantId, @uid, @userCode, @accountId, @expiresAt)`,
  );
  const live = '(expires_at IS NULL OR expires_at > ?)';
  const byId = db.prepare<[string, string, number], { payload: string }>(
    `SELECT payload FROM entries WHERE model = ? AND id = ? AND ${live}`,
  );
  const byUid = db.prepare<[string, string, number], { payload: string }>(
    `SELECT payload FROM entries WHERE model = ? AND uid = ? AND ${live}`,
  );
  const byUserCode = db.prepare<[string, string, number], { payload: string }>(
    `SELECT payload FROM entries WHERE model = ? AND user_code = ? AND ${live}`,
  );
  const update = db.prepare('UPDATE entries SET payload = ? WHERE model = ? AND id = ?');
  const remove = db.prepare('DELETE FROM entries WHERE model = ? AND id = ?');
  const removeGrant = db.prepare('DELETE FROM entries WHERE model = ? AND grant_id = ?');
  const parse = (row: { payload: string } | undefined) =>
    row ? (JSON.parse(row.payload) as Payload) : undefined;

  return class SqliteAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: Payload, expiresIn?: number) {
      upsert.run({
        model: this.model,
        id,
        payload: JSON.stringify(payload),
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        accountId: payload.accountId ?? null,
        expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : null,
      });
    }

    async find(id: string) {
      return parse(byId.get(this.model, id, Date.now()));
    }

    async findByUid(uid: string) {
      return parse(byUid.get(this.model, uid, Date.now()));
    }

    async findByUserCode(userCode: string) {
      return parse(byUserCode.get(this.model, userCode, Date.now()));
    }

    async consume(id: string) {
      const payload = parse(byId.get(this.model, id, Date.now()));
      if (!payload) return;
      payload.consumed = Math.floor(Date.now() / 1000);
      update.run(JSON.stringify(payload), this.model, id);
    }

    async destroy(id: string) {
      remove.run(this.model, id);
    }

    async revokeByGrantId(grantId: string) {
      removeGrant.run(this.model, grantId);
    }
  };
}

/** What an administrator's "revoke all sessions of this user" does, as Keycloak's admin console. */
export function revokeAccount(db: Db, accountId: string): number {
  const grants = db
    .prepare<[string], { id: string }>(
      "SELECT id FROM entries WHERE model = 'Grant' AND account_id = ?",
    )
    .all(accountId)
    .map((row) => row.id);
  db.transaction(() => {
    for (const grantId of grants) {
      db.prepare('DELETE FROM entries WHERE grant_id = ?').run(grantId);
      db.prepare("DELETE FROM entries WHERE model = 'Grant' AND id = ?").run(grantId);
    }
    db.prepare("DELETE FROM entries WHERE model = 'Session' AND account_id = ?").run(accountId);
  })();
  return grants.length;
}
