/**
 * @module `auth/<mount>/login` with `{role_id, secret_id}`. Answers WHO logged in as a
 * {@link LoginResult}; the core issues the token, audits and counts failures for lockout.
 *
 * A wrong role ID and a wrong (or expired, or spent) secret ID give the same
 * `invalid role or secret ID`. A secret ID with a use limit or an expiry is checked and spent
 * under its lock, and the spend is one transaction, so two concurrent logins with a single-use
 * secret ID cannot both succeed. Unlimited, non-expiring secret IDs are only read, so logins
 * sharing one do not queue behind each other.
 */
import { badRequest } from '../../../lib/errors.js';
import { isAddressAllowed } from '../../bound-cidrs.js';
import { readString } from '../../token-fields.js';
import type { AuthRequest, AuthResponse, LoginResult } from '../auth-method.js';
import { secretLockKey } from './approle-context.js';
import type { AppRoleContext } from './approle-context.js';
import { putOp, secretIdKey } from './approle-store.js';
import type { AppRole, SecretIdEntry } from './approle-types.js';
import { isExpired } from './secret-id-fields.js';

const INVALID = 'invalid role or secret ID';

/** The role ID a login request names (for lockout), or undefined. */
export function loginRoleId(req: AuthRequest): string | undefined {
  const value = req.data['role_id'];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function checkCidrs(entry: SecretIdEntry | undefined, role: AppRole, address: string): void {
  if (entry && !isAddressAllowed(entry.cidrList, address)) {
    throw badRequest('source address unauthorized through CIDR restrictions on the secret ID');
  }
  if (!isAddressAllowed(role.secretIdBoundCidrs, address)) {
    throw badRequest('source address unauthorized through CIDR restrictions on the role');
  }
}

/** Checks the secret ID and spends one use of it; resolves to its entry. */
async function useSecretId(ctx: AppRoleContext, role: AppRole, secretId: string, address: string): Promise<SecretIdEntry> {
  const { store, lock, now } = ctx;
  const hash = store.hashSecretId(secretId);
  const seen = await store.getSecretId(role.uuid, hash);
  if (!seen) throw badRequest(INVALID);
  if (seen.numUses === 0 && seen.expirationTime === 0) {
    checkCidrs(seen, role, address);
    return seen;
  }
  return lock.run(secretLockKey(role.uuid, hash), async () => {
    const entry = await store.getSecretId(role.uuid, hash);
    if (!entry) throw badRequest(INVALID);
    if (isExpired(entry, now())) {
      await store.commit(store.deleteSecretIdOps(role.uuid, hash, entry.accessor));
      throw badRequest(INVALID);
    }
    checkCidrs(entry, role, address);
    if (entry.numUses === 1) {
      await store.commit(store.deleteSecretIdOps(role.uuid, hash, entry.accessor));
    } else if (entry.numUses > 1) {
      const spent: SecretIdEntry = { ...entry, numUses: entry.numUses - 1, lastUpdatedTime: now() };
      await store.commit([putOp(secretIdKey(role.uuid, hash), spent)]);
    }
    return entry;
  });
}

export async function login(ctx: AppRoleContext, req: AuthRequest): Promise<AuthResponse> {
  const roleId = readString(req.data, 'role_id').trim();
  if (roleId === '') throw badRequest('missing role_id');
  const secretId = readString(req.data, 'secret_id');
  const name = await ctx.store.roleNameById(roleId);
  const role = name === undefined ? undefined : await ctx.store.getRole(name);
  if (!role || role.roleId !== roleId) {
    // Spend the time of a secret-ID hash, so an unknown role ID is not markedly faster.
    ctx.store.hashSecretId(secretId);
    throw badRequest(INVALID);
  }

  let entry: SecretIdEntry | undefined;
  if (role.bindSecretId) {
    if (secretId === '') throw badRequest('missing secret_id');
    entry = await useSecretId(ctx, role, secretId, req.remoteAddress);
  } else {
    checkCidrs(undefined, role, req.remoteAddress);
  }

  const metadata: Record<string, string> = { ...(entry?.metadata ?? {}), role_name: role.name };
  const tokenBoundCidrs = entry && entry.tokenBoundCidrs.length > 0 ? entry.tokenBoundCidrs : role.tokenBoundCidrs;
  const result: LoginResult = {
    policies: [...role.tokenPolicies],
    noDefaultPolicy: role.tokenNoDefaultPolicy,
    metadata,
    displayName: role.name,
    ttl: role.tokenTtl,
    maxTtl: role.tokenMaxTtl,
    explicitMaxTtl: role.tokenExplicitMaxTtl,
    period: role.tokenPeriod,
    numUses: role.tokenNumUses,
    boundCidrs: [...tokenBoundCidrs],
    renewable: true,
    tokenType: role.tokenType,
    aliasName: role.roleId,
  };
  return { login: result };
}
