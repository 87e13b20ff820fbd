/**
 * @module The `jwt` auth method (also mountable as type `oidc`): CI systems such as GitHub
 * Actions and GitLab CI log in with the OIDC ID token their job was given, with no stored secret,
 * and people log in through their browser at an OIDC provider (`role_type: oidc`).
 * Paths, as Vault's JWT/OIDC method: `config`, `role/:name`, `login` (`{role, jwt}`, role falling
 * back to `default_role`), and the browser flow's `oidc/auth_url` and `oidc/callback`
 * (`oidc-flow.ts`). A login returns who logged in (the role's `user_claim`) and the token
 * parameters; the core issues the token, counts failures for lockout and audits.
 */
import { badRequest, permissionDenied } from '../../../lib/errors.js';
import { definePath, dispatch } from '../../../engines/path-table.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import type { Storage } from '../../../storage/storage.js';
import { isAddressAllowed } from '../../bound-cidrs.js';
import { readString } from '../../token-fields.js';
import { addressScoped } from '../auth-method.js';
import type { AuthMethod, AuthMethodContext, AuthMethodFactory, AuthRequest, AuthResponse } from '../auth-method.js';
import { checkAudience, checkBoundClaims, checkIssuer, checkSubject, checkTimes } from './claim-checks.js';
import { checkConfigReachable, configResponse, loadConfig, parseConfig, saveConfig } from './jwt-config.js';
import type { JwtConfig } from './jwt-config.js';
import { loginResultFor } from './jwt-login-result.js';
import { configPath, rolePaths, roleStore } from '../method-storage.js';
import { parseRole, roleResponse } from './jwt-role.js';
import type { JwtRole } from './jwt-role.js';
import { finishOidcLogin, startOidcLogin } from './oidc-flow.js';
import type { OidcFlowContext } from './oidc-flow.js';
import { PendingOidcLogins } from './oidc-pending-logins.js';
import { createPemSigningKeys, createRemoteSigningKeys } from './signing-keys.js';
import type { SigningKeys } from './signing-keys.js';
import { verifySignature } from './token-signature.js';

export interface JwtAuthMethodOptions {
  readonly view: Storage;
  readonly now: () => number;
  /** Smallest gap between JWKS refetches caused by unknown key IDs (ms); default 5 s. */
  readonly minKeyRefreshMs?: number;
  /** `default_role` of the stored config, so lockout can name it before the first login. */
  readonly defaultRole?: string;
}

export function createJwtAuthMethod(opts: JwtAuthMethodOptions): AuthMethod {
  const { view, now } = opts;
  let keyCache: { readonly fingerprint: string; readonly keys: SigningKeys } | undefined;
  let defaultRole = opts.defaultRole ?? '';
  const roles = roleStore<JwtRole>(view);

  function signingKeys(config: JwtConfig): SigningKeys {
    const fingerprint = JSON.stringify([
      config.oidc_discovery_url,
      config.oidc_discovery_ca_pem,
      config.jwks_url,
      config.jwks_ca_pem,
      config.jwt_validation_pubkeys,
    ]);
    if (keyCache?.fingerprint !== fingerprint) {
      const remote = { now, minRefreshMs: opts.minKeyRefreshMs };
      const keys =
        config.jwt_validation_pubkeys.length > 0
          ? createPemSigningKeys(config.jwt_validation_pubkeys)
          : config.jwks_url !== ''
            ? createRemoteSigningKeys({ jwksUrl: config.jwks_url }, config.jwks_ca_pem || undefined, remote)
            : createRemoteSigningKeys({ discoveryUrl: config.oidc_discovery_url }, config.oidc_discovery_ca_pem || undefined, remote);
      keyCache = { fingerprint, keys };
    }
    return keyCache.keys;
  }

  async function login(req: AuthRequest): Promise<AuthResponse> {
    const config = await loadConfig(view);
    if (!config) throw badRequest('could not load configuration: write auth/<mount>/config first');
    defaultRole = config.default_role;
    const name = readString(req.data, 'role').trim() || config.default_role;
    if (name === '') throw badRequest('missing role');
    const role = await roles.load(name);
    if (!role) throw badRequest(`role ${JSON.stringify(name.slice(0, 128))} could not be found`);
    if (role.role_type !== 'jwt') {
      throw badRequest(`role ${JSON.stringify(name.slice(0, 128))} is an OIDC role: log in through the browser (oidc/auth_url), or use a role_type "jwt" role`);
    }
    if (!isAddressAllowed(role.token_bound_cidrs, req.remoteAddress)) {
      throw permissionDenied('request originated from invalid CIDR');
    }
    const jwt = readString(req.data, 'jwt').trim();
    if (jwt === '') throw badRequest('missing token (jwt)');

    const keys = signingKeys(config);
    const claims = await verifySignature(jwt, keys, config.jwt_supported_algs);
    checkIssuer(claims, config.bound_issuer || (await keys.discovered())?.issuer);
    checkTimes(claims, role, now());
    checkAudience(claims, role);
    checkSubject(claims, role);
    checkBoundClaims(claims, role);
    return { login: loginResultFor(claims, role, name) };
  }

  const oidc: OidcFlowContext = { view, roles, now, pending: new PendingOidcLogins(now), signingKeys };
  const startOidc = (req: AuthRequest) => startOidcLogin(oidc, req);
  const finishOidc = (req: AuthRequest) => finishOidcLogin(oidc, req);

  const table: readonly PathDeclaration<AuthRequest>[] = [
    definePath<AuthRequest>({
      pattern: /^login\/?$/,
      summary: 'Log in with a signed JWT for a role: {"role": …, "jwt": …}.',
      operations: { update: login, create: login },
    }),
    configPath(
      'Read or write where verification keys come from, the bound issuer and the default role.',
      () => loadConfig(view),
      configResponse,
      async (data) => {
        const config = parseConfig(data);
        await checkConfigReachable(config);
        await saveConfig(view, config);
        keyCache = undefined;
        defaultRole = config.default_role;
      },
    ),
    ...rolePaths(roles, { parse: parseRole, show: roleResponse }, 'who may log in and the token they get'),
    definePath<AuthRequest>({
      pattern: /^oidc\/auth_url\/?$/,
      summary: 'Start a browser login: the provider URL for {"role", "redirect_uri", "client_nonce"}.',
      operations: { update: startOidc, create: startOidc },
    }),
    definePath<AuthRequest>({
      pattern: /^oidc\/callback\/?$/,
      summary: 'Finish a browser login with what the provider sent back (state, code or id_token).',
      operations: { read: finishOidc, update: finishOidc, create: finishOidc },
    }),
  ];

  return {
    handle: (req) => dispatch(table, req),
    isUnauthenticatedPath: (path) => /^(?:login|oidc\/auth_url|oidc\/callback)\/?$/.test(path),
    // Failures lock a role for one source address only: a role's name is public (it is in the
    // workflow file) and a JWT cannot be guessed, so a lock of the role itself would let anyone,
    // or one branch's failing jobs, keep every other pipeline from logging in.
    loginIdentifier(req) {
      if (!/^login\/?$/.test(req.path)) return undefined;
      const role = typeof req.data.role === 'string' ? req.data.role.trim() : '';
      const name = (role || defaultRole).toLowerCase();
      return name === '' ? undefined : addressScoped(name, req.remoteAddress);
    },
  };
}

async function create(ctx: AuthMethodContext): Promise<AuthMethod> {
  const config = await loadConfig(ctx.view);
  return createJwtAuthMethod({ view: ctx.view, now: ctx.now, defaultRole: config?.default_role });
}

/** `hush auth enable jwt`: logins with signed JWTs (GitHub Actions, GitLab CI, any OIDC issuer). */
export const jwtAuthMethodFactory: AuthMethodFactory = { type: 'jwt', create };

/** `hush auth enable oidc`: the same method, the name Vault uses for browser logins. */
export const oidcAuthMethodFactory: AuthMethodFactory = { type: 'oidc', create };
