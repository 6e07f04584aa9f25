/** The reference API's token endpoints, shared by its adapter and the DPoP wiring. */
export const REFERENCE_LOGIN_PATH = '/auth/login';
export const REFERENCE_SIGNUP_PATH = '/auth/signup';
export const REFERENCE_REISSUE_PATH = '/auth/reissue';
