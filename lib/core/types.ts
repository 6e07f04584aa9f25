/**
 * The types every part of the core shares, generic over the app's user. The core reads one
 * field of a user, its `id` (sessions and reissue tickets are bound to it); everything else
 * about a user (names, pictures, roles) is the app's, declared once where next-auth's types
 * are augmented.
 */

export interface BaseUser {
  id: string;
}
