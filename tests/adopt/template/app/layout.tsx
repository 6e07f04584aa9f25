import { getServerSession } from 'next-auth';
import type { ReactNode } from 'react';
import { authOptions } from '@/lib/auth/server';
import { Providers } from './providers';

export default async function RootLayout({ children }: { children: ReactNode }) {
  const session = await getServerSession(authOptions);
  return (
    <html lang="en">
      <body>
        <Providers session={session} apiUrl={process.env.BACKEND_URL ?? ''}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
