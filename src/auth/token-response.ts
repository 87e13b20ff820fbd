/**
 * @module How token entries look in Vault's responses: the `auth` block of login, create and
 * renew ({@link toResponseAuth}) and the `data` of the lookup routes ({@link toLookupData}).
 * Both are allow-lists: only the fields named here leave the server, and the token itself
 * appears only where the caller supplied or just received it.
 */
import type { ResponseAuth } from '../core/request.js';
import type { TokenEntry, TokenStore } from './token-types.js';

/**
 * The `auth` block for `token` (the plaintext the caller receives or supplied; `""` when the
 * caller used an accessor). `leaseDuration` defaults to the entry's current TTL.
 */
export function toResponseAuth(token: string, entry: TokenEntry, leaseDuration: number = entry.ttl): ResponseAuth {
  const hasMeta = Object.keys(entry.metadata).length > 0;
  return {
    client_token: token,
    accessor: entry.accessor,
    policies: [...entry.policies],
    token_policies: [...entry.policies],
    metadata: hasMeta ? { ...entry.metadata } : null,
    lease_duration: leaseDuration,
    renewable: entry.renewable,
    entity_id: entry.entityId,
    token_type: entry.type,
    orphan: entry.orphan,
    mfa_requirement: null,
    num_uses: Math.max(0, entry.numUses),
  };
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * The `data` of `auth/token/lookup*`, with Vault's field names. `id` is the token when the caller
 * supplied it (lookup, lookup-self) and `""` for lookup-accessor. `period`, `bound_cidrs` and the
 * renewal times appear only when set, as in Vault.
 */
export function toLookupData(
  entry: TokenEntry,
  id: string,
  clock: Pick<TokenStore, 'remainingTtl' | 'expireTime'>,
): Record<string, unknown> {
  const expiry = clock.expireTime(entry);
  const hasMeta = Object.keys(entry.metadata).length > 0;
  const data: Record<string, unknown> = {
    accessor: entry.accessor,
    creation_time: Math.floor(entry.creationTime / 1000),
    creation_ttl: entry.creationTtl,
    display_name: entry.displayName,
    entity_id: entry.entityId,
    expire_time: expiry === undefined ? null : rfc3339(expiry),
    explicit_max_ttl: entry.explicitMaxTtl,
    id,
    issue_time: rfc3339(entry.creationTime),
    meta: hasMeta ? { ...entry.metadata } : null,
    num_uses: Math.max(0, entry.numUses),
    orphan: entry.orphan,
    path: entry.path,
    policies: [...entry.policies],
    renewable: entry.renewable,
    ttl: clock.remainingTtl(entry),
    type: entry.type,
  };
  if (entry.period > 0) data.period = entry.period;
  if (entry.boundCidrs.length > 0) data.bound_cidrs = [...entry.boundCidrs];
  if (entry.lastRenewalTime !== undefined) {
    data.last_renewal_time = Math.floor(entry.lastRenewalTime / 1000);
    data.last_renewal = rfc3339(entry.lastRenewalTime);
  }
  return data;
}
