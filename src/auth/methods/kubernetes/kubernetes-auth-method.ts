/**
 * @module The `kubernetes` auth method: workloads in a cluster (External Secrets Operator, an
 * agent, any pod) log in with their service account token. Paths as Vault's: `config`,
 * `role/:name`, `login` (`{role, jwt}`). A login reads which service account the token names and
 * checks the role allows it (name, namespace, audience; the signature too when `pem_keys` are
 * configured), then asks the API server (TokenReview) whether the token is genuine and still
 * valid, and that it belongs to that same account. The core issues the token.
 */
import { decodeJwt } from 'jose';
import { badRequest, permissionDenied } from '../../../lib/errors.js';
import { definePath, dispatch } from '../../../engines/path-table.js';
import type { PathDeclaration } from '../../../engines/path-table.js';
import type { Storage } from '../../../storage/storage.js';
import { isAddressAllowed } from '../../bound-cidrs.js';
import { readString } from '../../token-fields.js';
import type { AuthMethod, AuthMethodContext, AuthMethodFactory, AuthRequest, AuthResponse } from '../auth-method.js';
import { createPemSigningKeys } from '../jwt/signing-keys.js';
import type { SigningKeys } from '../jwt/signing-keys.js';
import { verifySignature } from '../jwt/token-signature.js';
import { loginTokenParams } from '../login-role-fields.js';
import { configPath, rolePaths, roleStore } from '../method-storage.js';
import { configResponse, loadConfig, parseConfig, reviewAccess, saveConfig } from './kubernetes-config.js';
import type { KubernetesConfig } from './kubernetes-config.js';
import { isBound, parseRole, roleResponse } from './kubernetes-role.js';
import type { KubernetesRole } from './kubernetes-role.js';
import { serviceAccountOf, serviceAccountUser } from './service-account.js';
import { reviewToken } from './token-review.js';

type Claims = Readonly<Record<string, unknown>>;

function createKubernetesAuthMethod(view: Storage): AuthMethod {
  const roles = roleStore<KubernetesRole>(view);
  /** The `pem_keys` of the config last used, parsed and imported once. */
  let pemKeys: { readonly pems: string; readonly keys: SigningKeys } | undefined;

  /** The token's claims: verified against `pem_keys` when configured, else only decoded (the
   * TokenReview is what vouches for them). */
  async function tokenClaims(config: KubernetesConfig, jwt: string): Promise<Claims> {
    if (config.pem_keys.length > 0) {
      const pems = JSON.stringify(config.pem_keys);
      if (pemKeys?.pems !== pems) pemKeys = { pems, keys: createPemSigningKeys(config.pem_keys) };
      return verifySignature(jwt, pemKeys.keys, []);
    }
    try {
      return decodeJwt(jwt);
    } catch (err) {
      throw badRequest('the service account token is not a JWT', err);
    }
  }

  async function login(req: AuthRequest): Promise<AuthResponse> {
    const config = await loadConfig(view);
    if (!config) throw badRequest('could not load backend configuration: write auth/<mount>/config first');
    const name = readString(req.data, 'role').trim();
    if (name === '') throw badRequest('missing role');
    const jwt = readString(req.data, 'jwt').trim();
    if (jwt === '') throw badRequest('missing jwt');
    const role = await roles.load(name);
    if (!role) throw badRequest(`invalid role name ${JSON.stringify(name.slice(0, 128))}`);
    if (!isAddressAllowed(role.token_bound_cidrs, req.remoteAddress)) throw permissionDenied('request originated from invalid CIDR');

    const claims = await tokenClaims(config, jwt);
    if (!config.disable_iss_validation && claims.iss !== (config.issuer || 'kubernetes/serviceaccount')) {
      throw badRequest('invalid issuer (iss) claim');
    }
    const sa = serviceAccountOf(claims);
    if (!isBound(role.bound_service_account_names, sa.name)) throw permissionDenied('service account name not authorized');
    if (!isBound(role.bound_service_account_namespaces, sa.namespace)) throw permissionDenied('namespace not authorized');
    if (role.audience !== '') {
      const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!aud.includes(role.audience)) throw permissionDenied('invalid audience (aud) claim: the token was not issued for the role\'s audience');
    }

    const reviewed = await reviewToken(reviewAccess(config), jwt, role.audience);
    if (reviewed.username !== serviceAccountUser(sa) || (sa.uid !== '' && reviewed.uid !== sa.uid)) {
      throw permissionDenied('the Kubernetes API server says the token belongs to another service account');
    }
    return {
      login: {
        ...loginTokenParams(role),
        metadata: {
          role: name,
          service_account_name: sa.name,
          service_account_namespace: sa.namespace,
          service_account_secret_name: sa.secretName,
          service_account_uid: sa.uid,
        },
        displayName: `${sa.namespace}-${sa.name}`,
        aliasName: role.alias_name_source === 'serviceaccount_name' ? `${sa.namespace}/${sa.name}` : sa.uid || `${sa.namespace}/${sa.name}`,
      },
    };
  }

  const table: readonly PathDeclaration<AuthRequest>[] = [
    definePath<AuthRequest>({
      pattern: /^login\/?$/,
      summary: 'Log in with a service account token: {"role": …, "jwt": …}.',
      operations: { update: login, create: login },
    }),
    configPath(
      "Read or write how to reach the cluster's API server.",
      () => loadConfig(view),
      configResponse,
      (data) => saveConfig(view, parseConfig(data)),
    ),
    ...rolePaths(roles, { parse: parseRole, show: roleResponse }, 'which service accounts may log in, and the token they get'),
  ];

  // No loginIdentifier: failures are counted per source address only. A service account token
  // cannot be guessed, so locking a role would protect nothing, and one crash-looping pod with
  // the wrong account would lock every other workload out of the role (Vault does not lock
  // Kubernetes logins either).
  return {
    handle: (req) => dispatch(table, req),
    isUnauthenticatedPath: (path) => /^login\/?$/.test(path),
  };
}

/** `hush auth enable kubernetes`: logins with Kubernetes service account tokens. */
export const kubernetesAuthMethodFactory: AuthMethodFactory = {
  type: 'kubernetes',
  create: async (ctx: AuthMethodContext) => createKubernetesAuthMethod(ctx.view),
};
