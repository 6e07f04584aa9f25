'use client';

import { createContext, useContext, type ReactNode } from 'react';
import { PASSWORD_SIGN_IN, type SignInMethod } from '@/lib/sign-in-method';

const SignInMethodContext = createContext<SignInMethod>(PASSWORD_SIGN_IN);

/** Tells the header and the session dialogs how this deployment signs people in. */
export function SignInMethodProvider({
  method,
  children,
}: {
  method: SignInMethod;
  children: ReactNode;
}) {
  return <SignInMethodContext value={method}>{children}</SignInMethodContext>;
}

export function useSignInMethod(): SignInMethod {
  return useContext(SignInMethodContext);
}
