/** The failure vocabulary lives in the reissue core; this path keeps older imports working. */
export * from '@/lib/core/errors';
