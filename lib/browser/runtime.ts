/**
 * The signed-in tab's auth runtime in one module: the actor (xstate, the machine, the reissue
 * client) and the authenticated axios instance. Only `load-runtime.ts` imports it, dynamically,
 * so signed-out pages never download it and signed-in pages fetch it after hydration.
 */
export { configureDpop, getAuthActor } from './actor';
export { clientAuth, clientAuthTraffic, setApiBaseUrl } from '@/lib/browser/http';
export { postListSchema } from '@/lib/validations/post';
export { startTracing } from './tracer-slot';
