/**
 * Next calls `register()` once per server process, before the first request. It stamps each
 * request with its socket address (for /api/metrics' loopback check), and, only when an OTLP
 * endpoint is configured, loads and registers tracing: with tracing off nothing of the SDK is
 * imported. The Edge runtime is not used by this app.
 */
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { stampPeerAddresses } = await import('./lib/server/telemetry/peer-address');
  await stampPeerAddresses();
  const { config } = await import('./lib/config');
  const tracing = config().tracing;
  if (!tracing) return;
  const { registerTracing } = await import('./lib/server/telemetry/register-tracing');
  registerTracing(tracing);
}
