/**
 * @module The `jwt` auth method (also mountable as type `oidc`): CI systems such as GitHub
 * Actions and GitLab CI log in with the OIDC ID token their job was given, with no stored secret.
 * Paths, as Vault's JWT/OIDC method: `config`, `role/:name`, `login` (`{role, jwt}`, role falling
 * back to `default_role`). A login returns who logged in (the role's `user_claim`) and the token
 * parameters; the core issues the token, counts failures for lockout and audits. The OIDC browser
 * flow (`role_type: oidc`, `oidc/auth_url`, `oidc/callback`) answers a clear "not supported yet".
 */
import { badRequest, notFound, permissionDenied } from '../../../lib/errors.js';
import { definePath, dispatch } from '../../../engines/path-table.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import type { Storage } from '../../../storage/storage.js';
import { isAddressAllowed } from '../../bound-cidrs.js';
import { readString } from '../../token-fields.js';
import type { AuthMethod, AuthMethodContext, AuthMethodFactory, AuthRequest, AuthResponse, LoginResult } from '../auth-method.js';
import {
  checkAudience,
  checkBoundClaims,
  checkIssuer,
  checkSubject,
  checkTimes,
  mappedMetadata,
  userClaimValue,
} from './claim-checks.js';
import { checkConfigReachable, configResponse, loadConfig, parseConfig, saveConfig } from './jwt-config.js';
import type { JwtConfig } from './jwt-config.js';
import { ROLE_NAME, deleteRole, listRoles, loadRole, parseRole, roleResponse, saveRole } from './jwt-role.js';
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

const OIDC_FLOW_UNSUPPORTED = 'the OIDC browser login flow is not supported yet; log in with a JWT (role_type "jwt")';

export function createJwtAuthMethod(opts: JwtAuthMethodOptions): AuthMethod {
  const { view, now } = opts;
  let keyCache: { readonly fingerprint: string; readonly keys: SigningKeys } | undefined;
  let defaultRole = opts.defaultRole ?? '';

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

  function roleName(params: Readonly<Record<string, string>>): string {
    const name = params.name ?? '';
    if (!ROLE_NAME.test(name)) throw badRequest('invalid role name');
    return name;
  }

  async function login(req: AuthRequest): Promise<AuthResponse> {
    const config = await loadConfig(view);
    if (!config) throw badRequest('could not load configuration: write auth/<mount>/config first');
    defaultRole = config.default_role;
    const name = readString(req.data, 'role').trim() || config.default_role;
    if (name === '') throw badRequest('missing role');
    const role = ROLE_NAME.test(name) ? await loadRole(view, name) : undefined;
    if (!role) throw badRequest(`role ${JSON.stringify(name.slice(0, 128))} could not be found`);
    if (!isAddressAllowed(role.token_bound_cidrs, req.remoteAddress)) {
      throw permissionDenied('request originated from invalid CIDR');
    }
    const jwt = readString(req.data, 'jwt').trim();
    if (jwt === '') throw badRequest('missing token (jwt)');

    const keys = signingKeys(config);
    const claims = await verifySignature(jwt, keys, config.jwt_supported_algs);
    checkIssuer(claims, config.bound_issuer || (await keys.discoveredIssuer()));
    checkTimes(claims, role, now());
    checkAudience(claims, role);
    checkSubject(claims, role);
    checkBoundClaims(claims, role);
    const user = userClaimValue(claims, role);

    const result: LoginResult = {
      policies: role.token_policies,
      noDefaultPolicy: role.token_no_default_policy,
      metadata: { ...mappedMetadata(claims, role), role: name },
      displayName: user,
      aliasName: user,
      ttl: role.token_ttl,
      maxTtl: role.token_max_ttl,
      explicitMaxTtl: role.token_explicit_max_ttl,
      period: role.token_period,
      numUses: role.token_num_uses,
      boundCidrs: role.token_bound_cidrs,
      renewable: true,
      tokenType: role.token_type,
    };
    return { login: result };
  }

  const unsupported = async (): Promise<AuthResponse> => {
    throw badRequest(OIDC_FLOW_UNSUPPORTED);
  };

  const table: readonly PathDeclaration<AuthRequest>[] = [
    definePath<AuthRequest>({
      pattern: /^login\/?$/,
      summary: 'Log in with a signed JWT for a role: {"role": …, "jwt": …}.',
      operations: { update: login, create: login },
    }),
    definePath<AuthRequest>({
      pattern: /^config\/?$/,
      summary: 'Read or write where verification keys come from, the bound issuer and the default role.',
      operations: {
        read: async () => {
          const config = await loadConfig(view);
          if (!config) throw notFound();
          return { data: configResponse(config) };
        },
        update: async (req) => {
          const config = parseConfig(req.data);
          await checkConfigReachable(config);
          await saveConfig(view, config);
          keyCache = undefined;
          defaultRole = config.default_role;
          return {};
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: /^role\/?$/,
      summary: 'List the roles.',
      operations: {
        list: async () => {
          const keys = await listRoles(view);
          if (keys.length === 0) throw notFound();
          return { data: { keys } };
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: /^role\/(?<name>[^/]+)$/,
      summary: 'Create, read, update or delete a role: who may log in and the token they get.',
      operations: {
        read: async (_req, params) => {
          const role = await loadRole(view, roleName(params));
          if (!role) throw notFound();
          return { data: roleResponse(role) };
        },
        update: async (req, params) => {
          const name = roleName(params);
          const role = parseRole(req.data, await loadRole(view, name));
          await saveRole(view, name, role);
          return {};
        },
        delete: async (_req, params) => {
          await deleteRole(view, roleName(params));
          return {};
        },
      },
    }),
    definePath<AuthRequest>({
      pattern: /^oidc\/(?:auth_url|callback)\/?$/,
      summary: 'The OIDC browser login flow (not supported yet).',
      operations: { read: unsupported, update: unsupported },
    }),
  ];

  return {
    handle: (req) => dispatch(table, req),
    isUnauthenticatedPath: (path) => /^(?:login|oidc\/auth_url|oidc\/callback)\/?$/.test(path),
    loginIdentifier(req) {
      if (!/^login\/?$/.test(req.path)) return undefined;
      const role = typeof req.data.role === 'string' ? req.data.role.trim() : '';
      return (role || defaultRole || undefined)?.toLowerCase();
    },
  };
}

async function create(ctx: AuthMethodContext): Promise<AuthMethod> {
  const config = await loadConfig(ctx.view);
  return createJwtAuthMethod({ view: ctx.view, now: ctx.now, defaultRole: config?.default_role });
}

/** `hush auth enable jwt`: logins with signed JWTs (GitHub Actions, GitLab CI, any OIDC issuer). */
export const jwtAuthMethodFactory: AuthMethodFactory = { type: 'jwt', create };

/** `hush auth enable oidc`: the same method; only `role_type: jwt` logins are supported so far. */
export const oidcAuthMethodFactory: AuthMethodFactory = { type: 'oidc', create };
