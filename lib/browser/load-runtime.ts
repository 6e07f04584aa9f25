/**
 * Loads the auth runtime on first need. A static import of the actor or of `clientAuth` from
 * any layout component would put xstate, axios and the machine into every page's first load,
 * the sign-in page's included. One promise per tab, so callers share one download and see
 * their `then` callbacks in call order (SESSION_UPDATEs keep their order).
 */
type AuthRuntime = typeof import('./runtime');

let loading: Promise<AuthRuntime> | undefined;
let apiBaseUrl: string | undefined;
let dpopReissueUrl: string | null = null;

/**
 * The API's URL as the browser reaches it, and its reissue endpoint when requests are to carry
 * DPoP proofs (null: bearer tokens); applied to the instances once they exist.
 */
export function configureApi(url: string, reissueUrl: string | null = null): void {
  apiBaseUrl = url;
  dpopReissueUrl = reissueUrl;
}

export function loadAuthRuntime(): Promise<AuthRuntime> {
  loading ??= import('./runtime').then(async (runtime) => {
    if (apiBaseUrl) runtime.setApiBaseUrl(apiBaseUrl);
    runtime.configureDpop(dpopReissueUrl);
    // Before the first request, so the first user action is traced too (when tracing is on).
    // Tracing never stands between the tab and its session: a tracer that fails to load is skipped.
    await runtime.startTracing().catch((error: unknown) => {
      console.warn('Tracing could not be started in this tab.', error);
    });
    return runtime;
  });
  return loading;
}

/** True once something asked for the runtime in this tab (then an actor exists or is coming). */
export function isAuthRuntimeRequested(): boolean {
  return loading !== undefined;
}
