import 'server-only';

/** Where a Server Component sends a page whose reissue failed for now (it cannot set a status). */
export const UNAVAILABLE_PATH = '/session-unavailable';

export { unavailablePage } from 'token-reissue/next';
