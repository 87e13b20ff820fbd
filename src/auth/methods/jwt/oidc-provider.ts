/**
 * @module Talking to the OIDC provider for the browser flow (OpenID Connect Core 1.0, section
 * 3.1): the authorization URL the user's browser is sent to (authorization code with PKCE S256,
 * or the implicit flow's ID token by form post), the exchange of the code the browser brings
 * back for an ID token at the provider's token endpoint, the client authenticated with its
 * secret, and the user's claims at the UserInfo endpoint (section 5.3).
 */
import { badRequest, HushError } from '../../../lib/errors.js';
import { FetchJsonError, fetchJson } from '../../../lib/fetch-json.js';
import type { JwtConfig } from './jwt-config.js';
import { usesImplicitFlow } from './jwt-config.js';
import type { Claims } from './claim-checks.js';
import type { JwtRole } from './jwt-role.js';
import type { StartedOidcLogin } from './oidc-pending-logins.js';
import type { DiscoveryDocument } from './signing-keys.js';

/** The URL that starts the login at the provider. */
export function authorizationUrl(
  doc: DiscoveryDocument,
  config: JwtConfig,
  role: JwtRole,
  redirectUri: string,
  login: StartedOidcLogin,
): string {
  if (doc.authorizationEndpoint === undefined) throw badRequest('the OIDC provider publishes no authorization_endpoint');
  const url = new URL(doc.authorizationEndpoint);
  const implicit = usesImplicitFlow(config);
  const scopes = ['openid', ...(role.oidc_scopes ?? []).filter((s) => s !== 'openid')];
  const params = url.searchParams;
  params.set('client_id', config.oidc_client_id ?? '');
  params.set('redirect_uri', redirectUri);
  params.set('response_type', implicit ? 'id_token' : 'code');
  params.set('scope', scopes.join(' '));
  params.set('state', login.state);
  params.set('nonce', login.nonce);
  if (!implicit) {
    params.set('code_challenge', login.codeChallenge);
    params.set('code_challenge_method', 'S256');
  }
  if (config.oidc_response_mode === 'form_post') params.set('response_mode', 'form_post');
  if ((role.max_age ?? 0) > 0) params.set('max_age', String(role.max_age));
  return url.toString();
}

/** RFC 6749 section 2.3.1: the client's ID and secret, form-encoded, as Basic credentials. */
function basicCredentials(id: string, secret: string): string {
  const encode = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

/** What the token endpoint answered: the ID token, and the access token for UserInfo. */
export interface TokenAnswer {
  readonly idToken: string;
  readonly accessToken: string | undefined;
}

/**
 * Trades an authorization code for the ID token. The client authenticates with Basic
 * credentials unless the provider lists only `client_secret_post`. Errors name the provider's
 * OAuth error code (`invalid_grant` …), never the code, the secret or the answer's body.
 */
export async function exchangeCode(
  doc: DiscoveryDocument,
  config: JwtConfig,
  code: string,
  redirectUri: string,
  codeVerifier: string,
): Promise<TokenAnswer> {
  if (doc.tokenEndpoint === undefined) throw badRequest('the OIDC provider publishes no token_endpoint');
  const id = config.oidc_client_id ?? '';
  const secret = config.oidc_client_secret ?? '';
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: codeVerifier });
  const methods = doc.tokenEndpointAuthMethods;
  const inBody = methods.length > 0 && !methods.includes('client_secret_basic') && methods.includes('client_secret_post');
  const headers: Record<string, string> = {};
  if (inBody) {
    form.set('client_id', id);
    form.set('client_secret', secret);
  } else {
    headers['authorization'] = basicCredentials(id, secret);
  }
  let answer: unknown;
  try {
    answer = await fetchJson(doc.tokenEndpoint, { form, headers, caPem: config.oidc_discovery_ca_pem || undefined });
  } catch (err) {
    if (err instanceof FetchJsonError && err.oauthError !== undefined) {
      throw badRequest(`OIDC login failed: the provider refused the authorization code (${err.oauthError})`, err);
    }
    // 500, as Vault answers: 503 would tell clients (hvac's VaultDown) the server is sealed
    throw new HushError('internal', 'OIDC login failed: the provider\'s token endpoint could not be reached', { cause: err });
  }
  const { id_token: idToken, access_token: accessToken } = (answer ?? {}) as { id_token?: unknown; access_token?: unknown };
  if (typeof idToken !== 'string' || idToken === '') throw badRequest('OIDC login failed: the provider answered without an ID token');
  return { idToken, accessToken: typeof accessToken === 'string' && accessToken !== '' ? accessToken : undefined };
}

/**
 * The user's claims from the provider's UserInfo endpoint, read with the access token. Only
 * when they are about the same user (`sub` equal to the ID token's, section 5.3.2); rejects
 * otherwise and on any failure (the caller goes on with the ID token's claims, as Vault does).
 */
export async function userInfoClaims(doc: DiscoveryDocument, config: JwtConfig, accessToken: string, subject: unknown): Promise<Claims> {
  if (doc.userinfoEndpoint === undefined) throw new Error('the provider publishes no userinfo_endpoint');
  const claims = await fetchJson(doc.userinfoEndpoint, {
    headers: { authorization: `Bearer ${accessToken}` },
    caPem: config.oidc_discovery_ca_pem || undefined,
  });
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('the UserInfo answer is not a JSON object');
  if ((claims as Claims).sub !== subject) throw new Error('the UserInfo answer is about another subject');
  return claims as Claims;
}
