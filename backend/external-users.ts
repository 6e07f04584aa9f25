/**
 * People who sign in at a trusted identity provider have no password here; their posts still
 * need a user row. Each (issuer, subject) pair gets one on first sight, with an address under
 * the reserved `.invalid` domain and a password hash no password matches, so it can never sign
 * in with a password, and nothing is linked by email (an email claim proves nothing here).
 */
import { randomUUID } from 'node:crypto';
import type { Db } from './db';

/** Never a valid `scrypt$…` hash: `verifyPassword` refuses it without deriving anything. */
const NO_PASSWORD = 'external';
const PEN_NAME = 'Provider account';

export interface ExternalUsers {
  /** The local user id for the provider's subject, created on first sight. */
  userIdFor(issuer: string, subject: string): string;
}

export function createExternalUsers(db: Db): ExternalUsers {
  const find = db
    .prepare<[string, string], string>(
      'SELECT user_id FROM external_identities WHERE issuer = ? AND subject = ?',
    )
    .pluck();
  const insertUser = db.prepare(
    `INSERT INTO users (id, email, password_hash, pen_name, field_image, created_at)
     VALUES (?, ?, ?, ?, NULL, ?)`,
  );
  const link = db.prepare(
    `INSERT INTO external_identities (issuer, subject, user_id, created_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (issuer, subject) DO NOTHING`,
  );
  // One transaction, so two requests seeing a new subject at once end with one user.
  const create = db.transaction((issuer: string, subject: string) => {
    const existing = find.get(issuer, subject);
    if (existing) return existing;
    const id = randomUUID();
    const now = Date.now();
    insertUser.run(id, `${id}@external.invalid`, NO_PASSWORD, PEN_NAME, now);
    link.run(issuer, subject, id, now);
    return id;
  });

  return {
    userIdFor: (issuer, subject) => find.get(issuer, subject) ?? create.immediate(issuer, subject),
  };
}
