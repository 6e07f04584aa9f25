// The server side, from one call: next-auth's options, the proxy step, the reissue route,
// and serverAuth / serverFetch for Server Components and server actions.
import 'server-only';
import { createNextAuthReissue } from 'token-reissue/next';
import { backend, tokenPairSchema } from './backend';

export const auth = createNextAuthReissue({
  backend,
  tokenPairSchema,
  secret: () => process.env.NEXTAUTH_SECRET,
  url: process.env.NEXTAUTH_URL,
  apiUrl: process.env.BACKEND_URL ?? 'http://127.0.0.1:8080',
});

export const authOptions = auth.authOptions;
