/**
 * What the sign-in and sign-up server actions share: the form state they answer with, the
 * caller context the API rate-limits by, and one mapping from API failures to sign-in codes.
 */
import 'server-only';
import { headers } from 'next/headers';
import { SIGN_IN_ERRORS } from '@/lib/sign-in-errors';
import type { BackendFailure, RequestContext } from './backend';
import { clientAddress } from './client-address';

/** What the sign-in and sign-up server actions answer a form that did not go through. */
export interface AuthFormState {
  error?: string;
  fieldErrors?: Partial<Record<'email' | 'password' | 'penName', string>>;
  values?: { email?: string; penName?: string };
}

/** What the API may know about the browser behind this action (its address, for rate limits). */
export async function caller(): Promise<RequestContext> {
  return { clientAddress: clientAddress(await headers()) };
}

/** The sign-in error code (lib/sign-in-errors.ts) a form shows for an API failure. */
export function failureCode(failure: BackendFailure): string {
  if (failure.kind === 'unavailable') return SIGN_IN_ERRORS.unavailable;
  if (failure.status === 429) return SIGN_IN_ERRORS.rateLimited;
  return SIGN_IN_ERRORS.credentials;
}
