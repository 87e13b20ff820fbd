/**
 * @module Tokens as leases, the way `sys/leases/*` shows them. Service tokens are Hush's only
 * leases so far (KV secrets have none; batch tokens are stored nowhere and cannot be revoked).
 *
 * A token's lease ID is its creation path and its storage ID, as Vault names token leases:
 * `auth/approle/login/<storage id>`. So `revoke-prefix auth/approle/` revokes every token that
 * mount issued (what disabling the mount does), and `LIST sys/leases/lookup/auth/` walks the
 * issuers like a directory. The storage ID is a keyed hash: knowing it gives no token, though,
 * as in Vault, anyone allowed `sys/leases/revoke` who learns it can revoke the token.
 *
 * Every operation on a prefix reads each stored token once (a scan, yielding to the event loop
 * as it goes): fine for operator actions and sweeps, not for a request path.
 */
import { nextTurn, STEPS_PER_TURN } from '../lib/next-turn.js';
import type { TokenEntry, TokenStore } from '../auth/token-types.js';

/** What a lease lookup answers (Vault's field names). */
export interface LeaseView {
  readonly id: string;
  readonly issue_time: string;
  readonly expire_time: string | null;
  readonly last_renewal_time: string | null;
  readonly renewable: boolean;
  readonly ttl: number;
}

export function tokenLeaseId(entry: TokenEntry): string {
  return `${entry.path}/${entry.hashedId}`;
}

/** The valid token whose lease this is, or undefined (another kind of lease, or none). */
export async function findTokenLease(store: TokenStore, leaseId: string): Promise<TokenEntry | undefined> {
  const slash = leaseId.lastIndexOf('/');
  if (slash <= 0 || !leaseId.startsWith('auth/')) return undefined;
  const entry = await store.lookupByHash(leaseId.slice(slash + 1));
  return entry !== undefined && tokenLeaseId(entry) === leaseId ? entry : undefined;
}

export function leaseView(store: TokenStore, entry: TokenEntry): LeaseView {
  const expiry = store.expireTime(entry);
  return {
    id: tokenLeaseId(entry),
    issue_time: new Date(entry.creationTime).toISOString(),
    expire_time: expiry === undefined ? null : new Date(expiry).toISOString(),
    last_renewal_time: entry.lastRenewalTime === undefined ? null : new Date(entry.lastRenewalTime).toISOString(),
    renewable: entry.renewable,
    ttl: store.remainingTtl(entry),
  };
}

/** Calls `visit` with every stored token (all service tokens) that is not being revoked. */
async function eachStoredToken(store: TokenStore, visit: (entry: TokenEntry) => Promise<void> | void): Promise<void> {
  let steps = 0;
  for (const id of await store.storedIds()) {
    if (++steps % STEPS_PER_TURN === 0) await nextTurn();
    const entry = await store.peek(id);
    if (entry !== undefined && !entry.revoking) await visit(entry);
  }
}

/** `prefix` as a directory: '' or ending in `/`. */
function asDirectory(prefix: string): string {
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

/**
 * Revokes the token of every lease ID under `prefix` (with its child tokens); resolves to how
 * many tokens were revoked at the top. Vault's rule: a prefix that does not end in `/` and is
 * itself a lease ID revokes that lease; any other prefix is a directory (`auth/approle` is
 * `auth/approle/`, never `auth/approle-ci/`).
 */
export async function revokeTokenLeases(store: TokenStore, prefix: string): Promise<number> {
  if (!prefix.endsWith('/')) {
    const single = await findTokenLease(store, prefix);
    if (single !== undefined) {
      await store.revoke(single);
      return 1;
    }
  }
  const directory = asDirectory(prefix);
  const matched: TokenEntry[] = [];
  await eachStoredToken(store, (entry) => {
    if (tokenLeaseId(entry).startsWith(directory)) matched.push(entry);
  });
  for (const entry of matched) await store.revoke(entry);
  return matched.length;
}

/** The names one level below `prefix` among stored token lease IDs, sorted: lease IDs' last
 * segments, and sub-prefixes ending in `/`. */
export async function listTokenLeaseKeys(store: TokenStore, prefix: string): Promise<string[]> {
  const directory = asDirectory(prefix);
  const keys = new Set<string>();
  await eachStoredToken(store, (entry) => {
    const id = tokenLeaseId(entry);
    if (!id.startsWith(directory)) return;
    const rest = id.slice(directory.length);
    const slash = rest.indexOf('/');
    keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  });
  return [...keys].sort();
}
