/**
 * @module The token store: creates, finds, counts, renews and revokes tokens. Tokens are kept
 * only as hashes (see `token-format.ts`); the storage layout is described in `README.md`.
 *
 * Batch tokens (`type: 'batch'`) are the exception to "stored only as hashes": they are not
 * stored at all. The token is its own entry, encrypted under `batchKey` (see `batch-token.ts`);
 * `lookup` decrypts it and checks its expiry, and for a non-orphan its parent's validity, which
 * is the only storage read a batch token ever costs.
 *
 * Validity is checked lazily: `lookup` revokes an expired token (with its subtree) when it meets
 * one, and treats a token whose ancestor is expired, revoked or being revoked as gone. That keeps
 * Vault's rule "revoking or expiring a parent revokes its children" without a background sweeper;
 * `tidy()` applies the same checks to every stored token for the lease manager's periodic sweep.
 *
 * @example
 * ```ts
 * const store = createTokenStore({ storage: view });
 * const { token } = await store.create({ policies: ['root'], id: 'root', displayName: 'root' });
 * const entry = await store.lookup(token); // TokenEntry with ttl 0: never expires
 * ```
 */
import { DecodedCache } from '../lib/decoded-cache.js';
import { badRequest } from '../lib/errors.js';
import { formatDurationSeconds } from '../lib/duration.js';
import { nextTurn, STEPS_PER_TURN } from '../lib/next-turn.js';
import type { Storage, StorageOp } from '../storage/storage.js';
import { decodeBatchToken, encodeBatchToken, generateBatchTokenKey } from './batch-token.js';
import type { BatchTokenClaims } from './batch-token.js';
import { parseBoundCidrs } from './bound-cidrs.js';
import { createKeyedLock } from './keyed-lock.js';
import { PresentedTokenIds } from './presented-token-ids.js';
import { BATCH_TOKEN_PREFIX, generateAccessor, generateToken, storageId } from './token-format.js';
import type { CreateTokenParams, CreatedToken, RenewalLimits, RenewedToken, TokenEntry, TokenStore } from './token-types.js';

/** Vault's default system max and default lease TTL: 768h (32 days). */
export const DEFAULT_MAX_TTL_SECONDS = 768 * 3600;

export interface TokenStoreOptions {
  /** The token store's storage view (keys `id/`, `accessor/`, `parent/` below it). */
  readonly storage: Storage;
  /** Clock in Unix milliseconds; tests pass a fake one. */
  readonly now?: () => number;
  /** System max TTL (s) for non-periodic tokens, counted from creation; 0 for none. */
  readonly maxTtlSeconds?: number;
  /** TTL (s) of tokens created without one (root-policy tokens excepted). */
  readonly defaultTtlSeconds?: number;
  /** When given, token and accessor hashes are HMAC-SHA256 under this key. */
  readonly hashKey?: Uint8Array;
  /** 32-byte key batch tokens are encrypted under; it must persist for batch tokens to survive a
   * restart. Absent: a random key of this store's lifetime. */
  readonly batchKey?: Uint8Array;
  /** Called for each token just before it is deleted (the lease manager revokes its leases). */
  readonly onRevoke?: (entry: TokenEntry) => Promise<void>;
}

const ID_PREFIX = 'id/';
const ACCESSOR_PREFIX = 'accessor/';
/** Tokens whose storage ID a lookup remembers (about 200 bytes each). */
const PRESENTED_TOKENS_KEPT = 4096;
const PARENT_PREFIX = 'parent/';
/** Reads of listings and sweeps, which touch every token once: kept out of the barrier's cache. */
const SCAN = { scan: true } as const;
const MAX_CHAIN_DEPTH = 10_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

interface AccessorIndex {
  readonly accessor: string;
  readonly hashedId: string;
}

/** Why a stored token is not valid: `revoke` names the subtree to revoke, if any. */
type Verdict = { readonly valid: true; readonly entry: TokenEntry } | { readonly valid: false; readonly revoke?: TokenEntry };

function encode(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function decode<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}

function nonNegativeInteger(value: number | undefined, field: string): number {
  if (value === undefined) return 0;
  if (!Number.isInteger(value) || value < 0) throw badRequest(`${field} must be a non-negative integer`);
  return value;
}

/** Sorted, de-duplicated, trimmed policy names; `default` added or removed as asked. */
export function sanitizePolicies(policies: readonly string[], addDefault: boolean): string[] {
  const set = new Set(policies.map((p) => p.trim()).filter((p) => p !== ''));
  if (set.has('root')) set.delete('default');
  else if (addDefault) set.add('default');
  else set.delete('default');
  return [...set].sort();
}

export function createTokenStore(options: TokenStoreOptions): TokenStore {
  const storage = options.storage;
  const now = options.now ?? Date.now;
  const maxTtl = options.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS;
  const defaultTtl = options.defaultTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS;
  const lock = createKeyedLock();
  const batchKey = options.batchKey ?? generateBatchTokenKey();
  if (batchKey.length !== 32) throw new Error('the batch-token key must be 32 bytes');

  const hash = (token: string) => storageId(token, 'token', options.hashKey);
  const presented = new PresentedTokenIds(PRESENTED_TOKENS_KEPT, hash);
  const idKey = (hashedId: string) => ID_PREFIX + hashedId;
  const accessorKey = (accessor: string) => ACCESSOR_PREFIX + storageId(accessor, 'accessor', options.hashKey);
  const parentKey = (parentHashedId: string, childHashedId: string) =>
    `${PARENT_PREFIX}${parentHashedId}/${childHashedId}`;

  /** Stored token entries as every request shares them, frozen (see `lib/decoded-cache.ts`):
   * a token used again is not decoded again. Changes make new entries (`{ ...entry, … }`). */
  const shared = new DecodedCache();

  async function read(hashedId: string): Promise<TokenEntry | undefined> {
    const key = idKey(hashedId);
    return shared.read(key, '', () => storage.get(key), (bytes) => decode<TokenEntry>(bytes));
  }

  /** Applies `ops`, forgetting the entries they touch before and after (see {@link read}). */
  function commit(ops: readonly StorageOp[]): Promise<void> {
    return shared.writing(
      ops.map((op) => op.key),
      () => storage.transaction(ops),
    );
  }

  async function write(entry: TokenEntry): Promise<void> {
    await commit([{ kind: 'put', key: idKey(entry.hashedId), value: encode(entry) }]);
  }

  function expireTime(entry: TokenEntry): number | undefined {
    if (entry.ttl <= 0) return undefined;
    return (entry.lastRenewalTime ?? entry.creationTime) + entry.ttl * 1000;
  }

  function isExpired(entry: TokenEntry, at: number): boolean {
    const expiry = expireTime(entry);
    return expiry !== undefined && at >= expiry;
  }

  function remainingTtl(entry: TokenEntry): number {
    const expiry = expireTime(entry);
    if (expiry === undefined) return 0;
    return Math.max(0, Math.floor((expiry - now()) / 1000));
  }

  /** The entry a batch token stands for. Its identity for engines and audit is its hash, as
   * for service tokens, though nothing is stored under it. */
  function batchEntry(token: string, claims: BatchTokenClaims): TokenEntry {
    return {
      hashedId: hash(token),
      accessor: '',
      policies: claims.policies,
      ...(claims.parentHashedId !== undefined ? { parentHashedId: claims.parentHashedId } : {}),
      metadata: claims.metadata,
      displayName: claims.displayName,
      creationTime: claims.creationTime * 1000,
      creationTtl: claims.ttl,
      ttl: claims.ttl,
      explicitMaxTtl: 0,
      period: 0,
      numUses: 0,
      orphan: claims.parentHashedId === undefined,
      path: claims.path,
      renewable: false,
      type: 'batch',
      entityId: claims.entityId,
      boundCidrs: claims.boundCidrs,
      ...(claims.mountAccessor !== undefined ? { mountAccessor: claims.mountAccessor } : {}),
    };
  }

  /** A batch token's entry if it decrypts, has not expired and (non-orphans) its parent is valid;
   * a forged, altered or foreign token is simply not found. */
  async function lookupBatch(token: string): Promise<TokenEntry | undefined> {
    const claims = decodeBatchToken(batchKey, token);
    if (!claims) return undefined;
    const entry = batchEntry(token, claims);
    if (isExpired(entry, now())) return undefined;
    if (claims.parentHashedId !== undefined && (await validEntry(claims.parentHashedId)) === undefined) return undefined;
    return entry;
  }

  /** Vault's rules for batch tokens, then the token itself; nothing is written. */
  async function createBatch(
    params: CreateTokenParams,
    fields: { readonly policies: string[]; readonly ttl: number; readonly orphan: boolean },
  ): Promise<{ token: string; entry: TokenEntry }> {
    if (params.id !== undefined) throw badRequest('batch tokens cannot have a custom token ID');
    if (fields.policies.includes('root')) throw badRequest('batch tokens cannot be root tokens');
    // Batch tokens cannot be revoked, so they must expire.
    if (fields.ttl === 0) throw badRequest('batch tokens must have a TTL');
    const parent = fields.orphan ? undefined : params.parent;
    if (parent !== undefined && !(await inspect(parent.hashedId)).valid) {
      throw badRequest('parent token is no longer valid');
    }
    const claims: BatchTokenClaims = {
      policies: fields.policies,
      creationTime: Math.floor(now() / 1000),
      ttl: fields.ttl,
      metadata: { ...(params.metadata ?? {}) },
      displayName: params.displayName ?? 'token',
      path: params.path ?? 'auth/token/create',
      ...(parent !== undefined ? { parentHashedId: parent.hashedId } : {}),
      entityId: params.entityId ?? parent?.entityId ?? '',
      boundCidrs: parseBoundCidrs(params.boundCidrs ?? []),
      ...(params.mountAccessor !== undefined ? { mountAccessor: params.mountAccessor } : {}),
    };
    const token = encodeBatchToken(batchKey, claims);
    return { token, entry: batchEntry(token, claims) };
  }

  /** Judges a stored token and its ancestors without side effects. */
  async function inspect(hashedId: string): Promise<Verdict> {
    const entry = await read(hashedId);
    if (!entry) return { valid: false };
    const at = now();
    if (entry.revoking || isExpired(entry, at)) return { valid: false, revoke: entry };
    if (entry.parentHashedId === undefined) return { valid: true, entry }; // most tokens: no chain
    let child = entry;
    const seen = new Set<string>([entry.hashedId]);
    for (let depth = 0; child.parentHashedId !== undefined; depth++) {
      const parentId = child.parentHashedId;
      if (seen.has(parentId) || depth > MAX_CHAIN_DEPTH) return { valid: false, revoke: entry };
      seen.add(parentId);
      const parent = await read(parentId);
      // A missing parent means it was revoked while this child was being created or during a
      // crash mid-revocation: the child must not outlive it.
      if (!parent) return { valid: false, revoke: child };
      if (parent.revoking || isExpired(parent, at)) return { valid: false, revoke: parent };
      child = parent;
    }
    return { valid: true, entry };
  }

  /** The valid entry for `hashedId`, revoking what `inspect` found dead. */
  async function validEntry(hashedId: string): Promise<TokenEntry | undefined> {
    const verdict = await inspect(hashedId);
    if (verdict.valid) return verdict.entry;
    if (verdict.revoke) await revokeTree(verdict.revoke.hashedId);
    return undefined;
  }

  /** Deletes one token and its index keys. The caller holds the token's lock. */
  async function deleteUnlocked(entry: TokenEntry): Promise<void> {
    if (options.onRevoke) await options.onRevoke(entry);
    const ops: StorageOp[] = [
      { kind: 'delete', key: idKey(entry.hashedId) },
      { kind: 'delete', key: accessorKey(entry.accessor) },
    ];
    if (entry.parentHashedId !== undefined) {
      ops.push({ kind: 'delete', key: parentKey(entry.parentHashedId, entry.hashedId) });
    }
    await commit(ops);
  }

  /**
   * Revokes `rootId` and every descendant. The root is first marked `revoking` (so it and its
   * subtree stop being valid at once and no child can be added), then the subtree is collected
   * breadth-first with an explicit queue and deleted leaves first, so that a crash part-way
   * leaves a marked root whose next lookup resumes the work.
   */
  async function revokeTree(rootId: string): Promise<void> {
    const marked = await lock.run(rootId, async () => {
      const current = await read(rootId);
      if (!current) return false;
      if (!current.revoking) await write({ ...current, revoking: true });
      return true;
    });
    if (!marked) return;
    const order: string[] = [];
    const seen = new Set<string>([rootId]);
    const queue: string[] = [rootId];
    for (let i = 0; i < queue.length; i++) {
      const id = queue[i] as string;
      order.push(id);
      for (const name of await storage.list(`${PARENT_PREFIX}${id}/`)) {
        if (name.endsWith('/') || seen.has(name)) continue;
        seen.add(name);
        queue.push(name);
      }
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const id = order[i] as string;
      await lock.run(id, async () => {
        const entry = await read(id);
        if (entry) await deleteUnlocked(entry);
      });
    }
  }

  async function create(params: CreateTokenParams): Promise<CreatedToken> {
    const warnings: string[] = [];
    const explicitMaxTtl = nonNegativeInteger(params.explicitMaxTtl, 'explicit_max_ttl');
    const period = nonNegativeInteger(params.period, 'period');
    const numUses = nonNegativeInteger(params.numUses, 'num_uses');
    const requestedTtl = nonNegativeInteger(params.ttl, 'ttl');
    const type = params.type ?? 'service';
    if (type === 'batch') {
      if (period > 0) throw badRequest('batch tokens cannot have "period" set');
      if (numUses > 0) throw badRequest('batch tokens cannot have "num_uses" set');
    }
    if (params.parent?.type === 'batch' && params.orphan !== true) {
      throw badRequest('batch tokens cannot create more tokens');
    }
    if (params.id !== undefined && (params.id === '' || params.id.includes('.'))) {
      throw badRequest('token IDs can not be empty or contain a "."');
    }

    const parent = params.parent;
    const basePolicies =
      params.policies !== undefined && params.policies.length > 0 ? params.policies : (parent?.policies ?? []);
    const policies = sanitizePolicies(basePolicies, params.noDefaultPolicy !== true);
    const isRootPolicy = policies.includes('root');

    let ttl: number;
    if (period > 0) {
      ttl = period;
    } else {
      ttl = requestedTtl;
      if (ttl === 0 && !isRootPolicy) ttl = defaultTtl;
      if (maxTtl > 0 && ttl > maxTtl) {
        warnings.push(
          `TTL of "${formatDurationSeconds(ttl)}" exceeded the effective max_ttl of "${formatDurationSeconds(maxTtl)}"; TTL value is capped accordingly`,
        );
        ttl = maxTtl;
      }
    }
    if (explicitMaxTtl > 0 && (ttl === 0 || ttl > explicitMaxTtl)) {
      if (ttl > 0) {
        warnings.push(
          `explicit max TTL of "${formatDurationSeconds(explicitMaxTtl)}" is less than TTL of "${formatDurationSeconds(ttl)}"; TTL value is capped accordingly`,
        );
      }
      ttl = explicitMaxTtl;
    }

    const orphan = parent === undefined || params.orphan === true;
    if (type === 'batch') {
      // An explicit max TTL has already capped `ttl` above; a batch token's TTL cannot move.
      return { ...(await createBatch(params, { policies, ttl, orphan })), warnings };
    }
    const createdAt = now();
    const token = params.id ?? generateToken(createdAt);
    const entry: TokenEntry = {
      hashedId: hash(token),
      accessor: generateAccessor(createdAt),
      policies,
      ...(orphan ? {} : { parentHashedId: parent.hashedId }),
      metadata: { ...(params.metadata ?? {}) },
      displayName: params.displayName ?? 'token',
      creationTime: createdAt,
      creationTtl: ttl,
      ttl,
      explicitMaxTtl,
      period,
      numUses,
      orphan,
      path: params.path ?? 'auth/token/create',
      renewable: ttl > 0 && params.renewable !== false,
      type: 'service',
      entityId: params.entityId ?? parent?.entityId ?? '',
      boundCidrs: parseBoundCidrs(params.boundCidrs ?? []),
      ...(params.mountAccessor !== undefined ? { mountAccessor: params.mountAccessor } : {}),
    };

    const ops: StorageOp[] = [
      { kind: 'put', key: idKey(entry.hashedId), value: encode(entry) },
      {
        kind: 'put',
        key: accessorKey(entry.accessor),
        value: encode({ accessor: entry.accessor, hashedId: entry.hashedId } satisfies AccessorIndex),
      },
    ];
    const store = async () => {
      if (params.id !== undefined && (await read(entry.hashedId)) !== undefined) {
        throw badRequest('cannot create a token with a duplicate ID');
      }
      await commit(ops);
    };

    if (entry.parentHashedId === undefined) {
      await lock.run(entry.hashedId, store);
    } else {
      const parentId = entry.parentHashedId;
      ops.push({ kind: 'put', key: parentKey(parentId, entry.hashedId), value: new Uint8Array(0) });
      // Holding the parent's lock while checking it keeps a concurrent revocation from missing
      // this child: either the child is indexed before the parent is marked, or the check fails.
      await lock.run(parentId, async () => {
        const verdict = await inspect(parentId);
        if (!verdict.valid) throw badRequest('parent token is no longer valid');
        await lock.run(entry.hashedId, store);
      });
    }
    return { token, entry, warnings };
  }

  async function use(entry: TokenEntry): Promise<TokenEntry | undefined> {
    if (entry.numUses === 0) return entry;
    let lastUse: TokenEntry | undefined;
    const result = await lock.run(entry.hashedId, async () => {
      const current = await read(entry.hashedId);
      if (!current || current.revoking || current.numUses <= 0 || isExpired(current, now())) return undefined;
      const remaining = current.numUses - 1;
      if (remaining > 0) {
        const next: TokenEntry = { ...current, numUses: remaining };
        await write(next);
        return next;
      }
      lastUse = { ...current, numUses: -1, revoking: true };
      await write(lastUse);
      return lastUse;
    });
    if (lastUse) await revokeTree(lastUse.hashedId);
    return result;
  }

  async function renew(entry: TokenEntry, incrementSeconds?: number, limits?: RenewalLimits): Promise<RenewedToken> {
    if (entry.type === 'batch') throw badRequest('batch tokens cannot be renewed');
    const increment = nonNegativeInteger(incrementSeconds, 'increment');
    return lock.run(entry.hashedId, async () => {
      const verdict = await inspect(entry.hashedId);
      if (!verdict.valid) throw badRequest('invalid token');
      const current = verdict.entry;
      if (!current.renewable) throw badRequest('lease is not renewable');
      const period = limits?.period ?? current.period;
      const explicitMaxTtl = limits?.explicitMaxTtl ?? current.explicitMaxTtl;
      const at = now();
      const warnings: string[] = [];
      const secondsUntil = (limitSeconds: number) =>
        Math.floor((current.creationTime + limitSeconds * 1000 - at) / 1000);
      let ttl: number;
      if (period > 0) {
        ttl = period;
        if (explicitMaxTtl > 0) {
          const left = secondsUntil(explicitMaxTtl);
          if (left <= 0) throw badRequest('past the max TTL, cannot renew');
          if (ttl > left) {
            warnings.push(
              `period of "${formatDurationSeconds(ttl)}" exceeded the effective max_ttl of "${formatDurationSeconds(left)}"; Period value is capped accordingly`,
            );
            ttl = left;
          }
        }
      } else {
        ttl = increment > 0 ? increment : current.creationTtl > 0 ? current.creationTtl : defaultTtl;
        let limit = maxTtl;
        if (explicitMaxTtl > 0 && (limit === 0 || explicitMaxTtl < limit)) limit = explicitMaxTtl;
        if (limit > 0) {
          const left = secondsUntil(limit);
          if (left <= 0) throw badRequest('past the max TTL, cannot renew');
          if (ttl > left) {
            warnings.push(
              `TTL of "${formatDurationSeconds(ttl)}" exceeded the effective max_ttl of "${formatDurationSeconds(left)}"; TTL value is capped accordingly`,
            );
            ttl = left;
          }
        }
      }
      const next: TokenEntry = { ...current, ttl, lastRenewalTime: at };
      await write(next);
      return { entry: next, warnings };
    });
  }

  async function revokeOrphan(entry: TokenEntry): Promise<void> {
    if (entry.type === 'batch') throw badRequest('batch tokens cannot be revoked');
    let resume = false;
    await lock.run(entry.hashedId, async () => {
      const current = await read(entry.hashedId);
      if (!current) return;
      // A subtree revocation already under way wins: its children are being revoked too.
      if (current.revoking) {
        resume = true;
        return;
      }
      for (const name of await storage.list(`${PARENT_PREFIX}${current.hashedId}/`)) {
        if (name.endsWith('/')) continue;
        await lock.run(name, async () => {
          const child = await read(name);
          const ops: StorageOp[] = [{ kind: 'delete', key: parentKey(current.hashedId, name) }];
          if (child && child.parentHashedId === current.hashedId) {
            const { parentHashedId: _dropped, ...rest } = child;
            ops.push({ kind: 'put', key: idKey(name), value: encode({ ...rest, orphan: true } satisfies TokenEntry) });
          }
          await commit(ops);
        });
      }
      await deleteUnlocked(current);
    });
    if (resume) await revokeTree(entry.hashedId);
  }

  async function lookupByAccessor(accessor: string): Promise<TokenEntry | undefined> {
    if (accessor === '') return undefined;
    const bytes = await storage.get(accessorKey(accessor));
    if (bytes === undefined) return undefined;
    return validEntry(decode<AccessorIndex>(bytes).hashedId);
  }

  async function listAccessors(): Promise<string[]> {
    const accessors: string[] = [];
    for (const name of await storage.list(ACCESSOR_PREFIX)) {
      if (name.endsWith('/')) continue;
      const bytes = await storage.get(ACCESSOR_PREFIX + name, SCAN);
      if (bytes !== undefined) accessors.push(decode<AccessorIndex>(bytes).accessor);
    }
    return accessors.sort();
  }

  async function storedIds(): Promise<string[]> {
    return (await storage.list(ID_PREFIX)).filter((name) => !name.endsWith('/'));
  }

  async function peek(hashedId: string): Promise<TokenEntry | undefined> {
    const key = idKey(hashedId);
    const kept = shared.get<TokenEntry>(key, '');
    if (kept !== undefined) return kept;
    const bytes = await storage.get(key, SCAN);
    return bytes === undefined ? undefined : decode<TokenEntry>(bytes);
  }

  async function tidy(signal?: AbortSignal): Promise<number> {
    let invalid = 0;
    let steps = 0;
    for (const id of await storedIds()) {
      if (++steps % STEPS_PER_TURN === 0) await nextTurn();
      if (signal?.aborted) break;
      const entry = await peek(id);
      if (entry === undefined) continue;
      if (entry.revoking || isExpired(entry, now())) {
        invalid++;
        await revokeTree(id);
      } else if (entry.parentHashedId !== undefined && (await validEntry(id)) === undefined) {
        invalid++; // an ancestor is gone: validEntry revoked what it found dead
      }
    }
    return invalid;
  }

  return {
    create,
    lookup: (token) => {
      if (token === '') return Promise.resolve(undefined);
      // Custom IDs cannot contain `.`, so this prefix is only ever a batch token.
      return token.startsWith(BATCH_TOKEN_PREFIX) ? lookupBatch(token) : validEntry(presented.idOf(token));
    },
    lookupByAccessor,
    lookupByHash: validEntry,
    use,
    renew,
    revoke: (entry) => {
      if (entry.type === 'batch') return Promise.reject(badRequest('batch tokens cannot be revoked'));
      return revokeTree(entry.hashedId);
    },
    revokeOrphan,
    listAccessors,
    remainingTtl,
    expireTime,
    tidy,
    storedIds,
    peek,
  };
}
