/**
 * The types every part of the core shares, generic over the app's user. They are declared
 * beside the statechart (`machines/auth.types.ts`), which depends on nothing else.
 */
export type { BaseUser, ClientSession, ReissueResult } from '../../machines/auth.types';
