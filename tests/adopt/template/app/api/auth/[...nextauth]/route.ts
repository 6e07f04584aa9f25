// Step 6a: next-auth's own route.
import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth/server';

const handler = NextAuth(authOptions);
export { handler as GET, handler as POST };
