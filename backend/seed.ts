import { hashPassword } from './passwords';
import type { UserStore } from './users';

/** The account every fresh data directory starts with; the app's sign-in page offers it. */
export const DEMO_USER = {
  email: 'demo@example.com',
  password: 'demo-password',
  penName: 'Demo Writer',
  fieldImage: null,
} as const;

export async function seedDemoUser(users: UserStore): Promise<void> {
  if (users.findByEmail(DEMO_USER.email)) return;
  users.insert({
    email: DEMO_USER.email,
    passwordHash: await hashPassword(DEMO_USER.password),
    penName: DEMO_USER.penName,
    fieldImage: DEMO_USER.fieldImage,
  });
}
