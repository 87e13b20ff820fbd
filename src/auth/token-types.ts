/**
 * @module The data of the token store and its routes: the stored {@link TokenEntry}, what
 * {@link CreateTokenParams} a creator may ask for, the {@link TokenStore} contract, and the
 * context and result of the `auth/token/*` routes.
 */
import type { Operation, ResponseAuth } from '../core/request.js';
import type { EngineResponse } from '../engines/engine.js';

/** Vault's two kinds of token: `service` tokens are stored; `batch` tokens carry their own
 * entry, encrypted (see `batch-token.ts`), and are never stored, renewed or revoked. */
export type TokenType = 'service' | 'batch';

/**
 * One token as stored under `id/<hashedId>` (service tokens), or as decrypted from a batch
 * token. Never holds the token itself. Times are Unix milliseconds, durations whole seconds; a
 * `ttl` of 0 means the token never expires (root). Batch entries have `accessor` `""`, no
 * `period`, `numUses` or `explicitMaxTtl`, are not renewable, and a creation time in whole
 * seconds.
 */
export interface TokenEntry {
  /** Hash of the token (see `storageId`): the token's identity in storage and for engines. */
  readonly hashedId: string;
  /** Non-secret handle for lookup and revocation without the token; `""` for batch tokens. */
  readonly accessor: string;
  /** Sorted, de-duplicated policy names. */
  readonly policies: readonly string[];
  /** Hash of the parent token; absent for orphans. */
  readonly parentHashedId?: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly displayName: string;
  /** When the token was issued (ms). */
  readonly creationTime: number;
  /** TTL at creation (s); renewals without an increment return to it. */
  readonly creationTtl: number;
  /** Current lease duration (s), counted from `lastRenewalTime` or else `creationTime`. */
  readonly ttl: number;
  /** When the token was last renewed (ms), if ever. */
  readonly lastRenewalTime?: number;
  /** Hard limit on the lifetime from `creationTime` (s); 0 for none. */
  readonly explicitMaxTtl: number;
  /** Periodic tokens renew to this period (s) and have no max TTL; 0 when not periodic. */
  readonly period: number;
  /** Remaining uses; 0 is unlimited; -1 means the last use is in progress (token revoked). */
  readonly numUses: number;
  readonly orphan: boolean;
  /** Creation path, e.g. `auth/token/create` or `auth/approle/login`. */
  readonly path: string;
  readonly renewable: boolean;
  readonly type: TokenType;
  readonly entityId: string;
  /** CIDR blocks the token may be used from; empty for anywhere. */
  readonly boundCidrs: readonly string[];
  /** Set while the token's subtree is being revoked; such an entry is never valid. */
  readonly revoking?: boolean;
  /** Accessor of the auth mount whose login issued the token: the token dies with that mount,
   * even when another mount is later enabled at the same path. Absent for other tokens. */
  readonly mountAccessor?: string;
}

export interface CreateTokenParams {
  /** Requested policies; sorted and de-duplicated, `default` added unless `noDefaultPolicy`
   * or the token is a root token. Empty with a parent: the parent's policies are inherited. */
  readonly policies?: readonly string[];
  /** The creating token; the new token is its child unless `orphan`. */
  readonly parent?: TokenEntry;
  /** Seconds; 0/absent means the default TTL, or never for a root-policy token. */
  readonly ttl?: number;
  readonly explicitMaxTtl?: number;
  readonly period?: number;
  readonly numUses?: number;
  readonly metadata?: Readonly<Record<string, string>>;
  /** Used verbatim; defaults to `token`. */
  readonly displayName?: string;
  /** Create without a parent even when `parent` is given (its entity is still inherited). */
  readonly orphan?: boolean;
  /** Defaults to true; a token that never expires is never renewable. */
  readonly renewable?: boolean;
  readonly noDefaultPolicy?: boolean;
  /** Creation path; defaults to `auth/token/create`. */
  readonly path?: string;
  /** Defaults to the parent's entity, else `""`. */
  readonly entityId?: string;
  readonly boundCidrs?: readonly string[];
  /** The issuing auth mount's accessor (logins); see {@link TokenEntry.mountAccessor}. */
  readonly mountAccessor?: string;
  /** Custom token value (dev root token, Vault's root-only `id`). Must not contain `.`. */
  readonly id?: string;
  /** Defaults to `service`. A batch token is written nowhere; it cannot be a root token, have
   * `numUses` or `period`, or have a batch parent; `explicitMaxTtl` only caps its TTL. */
  readonly type?: TokenType;
}

export interface CreatedToken {
  /** The token itself: returned once, never stored. */
  readonly token: string;
  readonly entry: TokenEntry;
  /** Vault-style notes, e.g. a TTL capped by the max TTL. */
  readonly warnings: readonly string[];
}

/** The period and explicit max TTL (s, 0 for none) a renewal applies instead of the token's. */
export interface RenewalLimits {
  readonly period: number;
  readonly explicitMaxTtl: number;
}

export interface RenewedToken {
  readonly entry: TokenEntry;
  readonly warnings: readonly string[];
}

/**
 * The token store. Implementations guarantee: tokens are stored only as hashes; `lookup` never
 * returns an expired, exhausted or revoked token, nor one whose ancestor is no longer valid;
 * operations on one token (use, renew, revoke) are serialised. Batch tokens are checked by
 * decryption alone (plus their parent's validity); `renew` and `revoke*` refuse them with
 * `bad_request`, and the accessor and hash lookups never find them.
 */
export interface TokenStore {
  create(params: CreateTokenParams): Promise<CreatedToken>;
  /** The valid entry of `token`, or undefined (expired and orphaned-by-crash tokens are revoked). */
  lookup(token: string): Promise<TokenEntry | undefined>;
  lookupByAccessor(accessor: string): Promise<TokenEntry | undefined>;
  /** The valid entry with this hash (for callers that hold an entry, not the token). */
  lookupByHash(hashedId: string): Promise<TokenEntry | undefined>;
  /** Counts one use; undefined when the token is no longer valid. After the last use the token
   * is revoked and the returned entry has `numUses` -1. Unlimited tokens are returned as is. */
  use(entry: TokenEntry): Promise<TokenEntry | undefined>;
  /** Extends the lease following Vault's rules; throws `bad_request` when not renewable or past
   * its max TTL. `incrementSeconds` 0/absent means "the creation TTL again"; `limits` replace the
   * token's own period and explicit max TTL for this renewal (a token role's current ones). */
  renew(entry: TokenEntry, incrementSeconds?: number, limits?: RenewalLimits): Promise<RenewedToken>;
  /** Revokes the token and all its descendants (orphans are not descendants). */
  revoke(entry: TokenEntry): Promise<void>;
  /** Revokes only the token; its children become orphans. */
  revokeOrphan(entry: TokenEntry): Promise<void>;
  /** Accessors of all stored tokens, sorted. */
  listAccessors(): Promise<string[]>;
  /** Checks every stored token, revoking expired and dangling ones (for the lease manager's
   * periodic sweep); resolves to how many revocations it made (a subtree counts once). Yields to
   * the event loop as it goes, and stops early once `signal` is aborted. */
  tidy(signal?: AbortSignal): Promise<number>;
  /** Storage IDs of every stored token, valid or not (for sweeps and lease listings). */
  storedIds(): Promise<string[]>;
  /** The entry stored under `hashedId` as it is (expired, revoking and dangling ones too), without
   * keeping it decoded: scans over every token must not push out the entries requests use. */
  peek(hashedId: string): Promise<TokenEntry | undefined>;
  /** Seconds the token has left (0 for a token that never expires). */
  remainingTtl(entry: TokenEntry): number;
  /** When the token expires (ms), or undefined if never. */
  expireTime(entry: TokenEntry): number | undefined;
}

/** What the `auth/token/*` routes see of a request. */
export interface TokenRequestContext {
  readonly operation: Operation;
  /** Path below `auth/token/`, e.g. `create`, `lookup-self`. */
  readonly path: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The calling token's entry (already validated and counted by the core). */
  readonly caller: TokenEntry;
  /** The calling token itself (lookup-self returns it as `id`). */
  readonly callerToken: string;
  readonly remoteAddress: string;
  /** The caller has the `root` policy. */
  readonly isRoot: boolean;
  /** The caller's policies grant `sudo` on `path` (a full path such as `auth/token/accessors`). */
  hasSudo(path: string): boolean;
}

/** A route result: an engine-style response plus the auth block of create and renew. */
export interface TokenRouteResponse extends EngineResponse {
  readonly auth?: ResponseAuth;
}
