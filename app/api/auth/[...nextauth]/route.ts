import NextAuth from 'next-auth';
import { NextResponse, type NextRequest } from 'next/server';
import { authOptions } from '@/lib/server/auth-options';
import { signInMethod } from '@/lib/server/sign-in-method';

type Context = { params: Promise<{ nextauth: string[] }> };

function handler(req: NextRequest, context: Context) {
  return NextAuth(req, context, authOptions());
}

/**
 * The credentials callback only accepts POST; next-auth answers a GET to it with a 500 (it
 * tries an OAuth flow the provider does not have). Answer 405 instead. The one GET callback is
 * an OpenID provider's redirect back (AUTH_BACKEND=oidc).
 */
async function GET(req: NextRequest, context: Context) {
  const { nextauth } = await context.params;
  const method = signInMethod();
  const providerCallback = method.kind === 'provider' && nextauth[1] === method.id;
  if (nextauth[0] === 'callback' && !providerCallback) {
    return NextResponse.json(
      { error: 'METHOD_NOT_ALLOWED' },
      { status: 405, headers: { allow: 'POST' } },
    );
  }
  return handler(req, context);
}

export { GET, handler as POST };
