/**
 * Loads the auth runtime on first need. A static import of the actor or of `clientAuth` from
 * any layout component would put xstate, axios and the machine into every page's first load,
 * the sign-in page's included. One promise per tab, so callers share one download and see
 * their `then` callbacks in call order (SESSION_UPDATEs keep their order).
 */
type AuthRuntime = typeof import('./runtime');

let loading: Promise<AuthRuntime> | undefined;
let apiBaseUrl: string | undefined;
let tracing = false;

/** The API's URL as the browser reaches it; applied to the instances once they exist. */
export function configureApiBaseUrl(url: string): void {
  apiBaseUrl = url;
}

/**
 * The server says whether tracing is on. Only then does the runtime load the web tracer, with
 * it and before its first request, so the first user action is traced too.
 */
export function configureTracing(enabled: boolean): void {
  tracing = enabled;
}

export function loadAuthRuntime(): Promise<AuthRuntime> {
  loading ??= Promise.all([import('./runtime'), tracing ? import('./tracing') : undefined]).then(
    ([runtime, tracer]) => {
      if (apiBaseUrl) runtime.setApiBaseUrl(apiBaseUrl);
      if (tracer) runtime.installTracer(tracer.startBrowserTracing());
      return runtime;
    },
  );
  return loading;
}

/** True once something asked for the runtime in this tab (then an actor exists or is coming). */
export function isAuthRuntimeRequested(): boolean {
  return loading !== undefined;
}
