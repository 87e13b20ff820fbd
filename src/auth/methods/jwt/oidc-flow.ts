/**
 * @module The OIDC browser login of the JWT method, Vault's two unauthenticated steps:
 *
 * - `oidc/auth_url` (`{role, redirect_uri, client_nonce}`): checks the role is an `oidc` role
 *   that allows the redirect URI, records a pending login and answers the provider's
 *   authorization URL (with state, nonce and a PKCE challenge) for the user's browser.
 * - `oidc/callback` (`state`, `code` or `id_token`, `client_nonce`; query or body): takes the
 *   pending login the state names (once), trades the code for the ID token at the provider,
 *   verifies it (signature, issuer, times, audience = client ID, the login's nonce, `max_age`),
 *   adds the claims of the provider's UserInfo endpoint (the ID token's win; a failure there
 *   is logged and the login goes on, as in Vault), checks the role's bounds, and answers who
 *   logged in; the core issues the token.
 *
 * Failures are Vault-shaped 400s that say which check failed, never a token, code or secret.
 */
import { HushError, badRequest, permissionDenied } from '../../../lib/errors.js';
import type { Storage } from '../../../storage/storage.js';
import { isAddressAllowed } from '../../bound-cidrs.js';
import { readString } from '../../token-fields.js';
import { constantTimeEqual } from '../../token-format.js';
import type { AuthRequest, AuthResponse } from '../auth-method.js';
import type { RoleStore } from '../method-storage.js';
import { checkBoundClaims, checkIssuer, checkOidcIdToken, checkSubject, checkTimes } from './claim-checks.js';
import type { Claims } from './claim-checks.js';
import type { JwtConfig } from './jwt-config.js';
import { loadConfig, usesImplicitFlow } from './jwt-config.js';
import { loginResultFor } from './jwt-login-result.js';
import type { JwtRole } from './jwt-role.js';
import type { PendingOidcLogins } from './oidc-pending-logins.js';
import { authorizationUrl, exchangeCode, userInfoClaims } from './oidc-provider.js';
import type { TokenAnswer } from './oidc-provider.js';
import { isAllowedRedirect } from './redirect-uris.js';
import type { DiscoveryDocument, SigningKeys } from './signing-keys.js';
import { verifySignature } from './token-signature.js';

export interface OidcFlowContext {
  readonly view: Storage;
  readonly roles: RoleStore<JwtRole>;
  readonly now: () => number;
  readonly pending: PendingOidcLogins;
  readonly signingKeys: (config: JwtConfig) => SigningKeys;
  /** Where a failed UserInfo request is reported (never with a token in it). */
  readonly warn?: (message: string) => void;
}

const FAILED = 'OIDC login failed';
const quoted = (value: string) => JSON.stringify(value.slice(0, 256));

/** The mount's config, which must name an OIDC client. */
async function oidcConfig(view: Storage): Promise<JwtConfig> {
  const config = await loadConfig(view);
  if (!config) throw badRequest('could not load configuration: write auth/<mount>/config first');
  if (!config.oidc_client_id) {
    throw badRequest('the OIDC browser login is not configured: set oidc_discovery_url, oidc_client_id and oidc_client_secret in auth/<mount>/config');
  }
  return config;
}

/** An `oidc` role by name. */
async function oidcRole(roles: RoleStore<JwtRole>, name: string): Promise<JwtRole> {
  const role = await roles.load(name);
  if (!role) throw badRequest(`role ${quoted(name)} could not be found`);
  if (role.role_type !== 'oidc') {
    throw badRequest(`role ${quoted(name)} is not an OIDC role (role_type "${role.role_type}"): log in at auth/<mount>/login with a JWT`);
  }
  return role;
}

async function discovery(ctx: OidcFlowContext, config: JwtConfig): Promise<DiscoveryDocument> {
  const doc = await ctx.signingKeys(config).discovered();
  if (!doc) throw badRequest('the OIDC browser login needs oidc_discovery_url in auth/<mount>/config');
  return doc;
}

/** `oidc/auth_url`. */
export async function startOidcLogin(ctx: OidcFlowContext, req: AuthRequest): Promise<AuthResponse> {
  const config = await oidcConfig(ctx.view);
  const name = readString(req.data, 'role').trim() || config.default_role;
  if (name === '') throw badRequest('missing role');
  const redirectUri = readString(req.data, 'redirect_uri').trim();
  if (redirectUri === '') throw badRequest('missing redirect_uri');
  const role = await oidcRole(ctx.roles, name);
  if (!isAllowedRedirect(redirectUri, role.allowed_redirect_uris ?? [])) {
    throw badRequest(`unauthorized redirect_uri ${quoted(redirectUri)}: it is not in the role's allowed_redirect_uris`);
  }
  const doc = await discovery(ctx, config);
  const started = ctx.pending.start(name, redirectUri, readString(req.data, 'client_nonce'), req.remoteAddress);
  if (!started) throw new HushError('rate_limited', 'too many OIDC logins are under way on this mount (or from this address); try again in a few minutes');
  return { data: { auth_url: authorizationUrl(doc, config, role, redirectUri, started) } };
}

/** `oidc/callback`. */
export async function finishOidcLogin(ctx: OidcFlowContext, req: AuthRequest): Promise<AuthResponse> {
  const login = ctx.pending.take(readString(req.data, 'state'));
  if (!login) throw badRequest(`${FAILED}: expired or missing OAuth state; start the login again`);
  if (login.clientNonce !== '' && !constantTimeEqual(readString(req.data, 'client_nonce'), login.clientNonce)) {
    throw badRequest(`${FAILED}: invalid client_nonce`);
  }
  const providerError = readString(req.data, 'error');
  if (providerError !== '') {
    const code = /^[a-z_]{1,64}$/.test(providerError) ? ` (${providerError})` : '';
    throw badRequest(`${FAILED}: the provider answered with an error${code}`);
  }
  const config = await oidcConfig(ctx.view);
  const role = await oidcRole(ctx.roles, login.role);
  if (!isAddressAllowed(role.token_bound_cidrs, req.remoteAddress)) throw permissionDenied('request originated from invalid CIDR');
  const doc = await discovery(ctx, config);

  let answer: TokenAnswer;
  if (usesImplicitFlow(config)) {
    answer = { idToken: readString(req.data, 'id_token').trim(), accessToken: undefined };
    if (answer.idToken === '') throw badRequest(`${FAILED}: missing id_token`);
  } else {
    const code = readString(req.data, 'code').trim();
    if (code === '') throw badRequest(`${FAILED}: missing code`);
    answer = await exchangeCode(doc, config, code, login.redirectUri, login.codeVerifier);
  }

  const idClaims = await verifySignature(answer.idToken, ctx.signingKeys(config), config.jwt_supported_algs);
  checkIssuer(idClaims, config.bound_issuer || doc.issuer);
  const now = ctx.now();
  checkTimes(idClaims, role, now);
  checkOidcIdToken(idClaims, role, config.oidc_client_id ?? '', (nonce) => constantTimeEqual(nonce, login.nonce), now);
  const claims = await withUserInfo(ctx, doc, config, answer.accessToken, idClaims);
  checkSubject(claims, role);
  checkBoundClaims(claims, role);
  return { login: loginResultFor(claims, role, login.role) };
}

/** The ID token's claims over the UserInfo endpoint's, when the provider has one. */
async function withUserInfo(ctx: OidcFlowContext, doc: DiscoveryDocument, config: JwtConfig, accessToken: string | undefined, idClaims: Claims): Promise<Claims> {
  if (accessToken === undefined || doc.userinfoEndpoint === undefined) return idClaims;
  try {
    return { ...(await userInfoClaims(doc, config, accessToken, idClaims.sub)), ...idClaims };
  } catch (err) {
    (ctx.warn ?? console.error)(`OIDC login: reading the provider's UserInfo endpoint failed (${err instanceof Error ? err.message : 'error'}); using the ID token's claims only`);
    return idClaims;
  }
}
