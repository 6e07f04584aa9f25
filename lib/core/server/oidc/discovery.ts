/**
 * The OpenID provider's metadata and client, through openid-client (v6), loaded on first use
 * rather than on import: `openid-client` is an optional peer of the package, so the server entry
 * loads in an app that never installed it. Discovery (`<issuer>/.well-known/openid-configuration`,
 * the issuer may have a path such as Keycloak's `/realms/<name>`) runs once per process; a failed
 * discovery is forgotten, so the next call tries again (the provider may just be starting).
 */
import type * as OpenIdClient from 'openid-client';
import { forwardingFetch } from './dpop-handle';
import { tracedFetch } from './traced-fetch';

export type ClientAuthMethod = 'client_secret_basic' | 'client_secret_post';

export interface ProviderClientOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token and revocation endpoints. */
  clientAuth?: ClientAuthMethod;
  /** Upper bound for one call to the provider, discovery included. */
  timeoutMs: number;
  /** Lets an `http://` issuer through (a provider on this machine, in development and tests). */
  allowInsecureHttp?: boolean;
}

export interface ProviderClient {
  /** openid-client's module, loaded once. */
  lib(): Promise<typeof OpenIdClient>;
  /** The discovered configuration; rejects while the provider cannot be reached. */
  configuration(): Promise<OpenIdClient.Configuration>;
}

/** An `http://` issuer without `allowInsecureHttp`: tokens would cross the network in clear. */
export class InsecureIssuerError extends Error {
  readonly code = 'OIDC_INSECURE_ISSUER' as const;
  override readonly name = 'InsecureIssuerError';
}

export function createProviderClient(options: ProviderClientOptions): ProviderClient {
  let loading: Promise<typeof OpenIdClient> | undefined;
  let discovering: Promise<OpenIdClient.Configuration> | undefined;
  const lib = () => (loading ??= import('openid-client'));

  async function discover(): Promise<OpenIdClient.Configuration> {
    const client = await lib();
    const issuer = new URL(options.issuer);
    if (issuer.protocol !== 'https:' && !options.allowInsecureHttp) {
      throw new InsecureIssuerError(`The OpenID issuer must be https (got ${issuer.origin})`);
    }
    const auth =
      options.clientAuth === 'client_secret_post'
        ? client.ClientSecretPost(options.clientSecret)
        : client.ClientSecretBasic(options.clientSecret);
    const config = await client.discovery(issuer, options.clientId, undefined, auth, {
      timeout: options.timeoutMs / 1000,
      execute: issuer.protocol === 'http:' ? [client.allowInsecureRequests] : [],
    });
    // Every later call (token, revocation, userinfo) gets the same bound.
    config.timeout = options.timeoutMs / 1000;
    // A browser's DPoP proof, forwarded on the refresh_token grant (dpop-handle.ts); each call
    // a client span whose traceparent the provider receives (traced-fetch.ts).
    config[client.customFetch] = forwardingFetch(tracedFetch()) as OpenIdClient.CustomFetch;
    return config;
  }

  return {
    lib,
    configuration() {
      discovering ??= discover().catch((error: unknown) => {
        discovering = undefined;
        throw error;
      });
      return discovering;
    },
  };
}
