import { randomUUID } from 'node:crypto';
import type { Db } from './db';

/** The user as the API returns it (the contract's `user`). */
export interface PublicUser {
  id: string;
  email: string;
  penName: string;
  fieldImage: string | null;
}

export interface UserRecord extends PublicUser {
  passwordHash: string;
}

interface UserRow {
  id: string;
  email: string;
  password_hash: string;
  pen_name: string;
  field_image: string | null;
}

export interface NewUser {
  email: string;
  passwordHash: string;
  penName: string;
  fieldImage?: string | null;
}

export interface UserStore {
  findByEmail(email: string): UserRecord | undefined;
  findById(id: string): UserRecord | undefined;
  /** Returns undefined when the email is taken (case-insensitively). */
  insert(user: NewUser): UserRecord | undefined;
}

const toRecord = (row: UserRow): UserRecord => ({
  id: row.id,
  email: row.email,
  penName: row.pen_name,
  fieldImage: row.field_image,
  passwordHash: row.password_hash,
});

export const toPublicUser = ({ id, email, penName, fieldImage }: PublicUser): PublicUser => ({
  id,
  email,
  penName,
  fieldImage,
});

export function createUserStore(db: Db): UserStore {
  const byEmail = db.prepare<[string], UserRow>('SELECT * FROM users WHERE email = ?');
  const byId = db.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?');
  const insert = db.prepare(
    `INSERT INTO users (id, email, password_hash, pen_name, field_image, created_at)
     VALUES (@id, @email, @passwordHash, @penName, @fieldImage, @createdAt)
     ON CONFLICT (email) DO NOTHING`,
  );

  return {
    findByEmail(email) {
      const row = byEmail.get(email);
      return row && toRecord(row);
    },
    findById(id) {
      const row = byId.get(id);
      return row && toRecord(row);
    },
    insert(user) {
      const record: UserRecord = {
        id: randomUUID(),
        email: user.email,
        penName: user.penName,
        fieldImage: user.fieldImage ?? null,
        passwordHash: user.passwordHash,
      };
      const { changes } = insert.run({ ...record, createdAt: Date.now() });
      return changes === 1 ? record : undefined;
    },
  };
}
