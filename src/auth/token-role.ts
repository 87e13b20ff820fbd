/**
 * @module Token roles (`auth/token/roles/:name`), with Vault's fields and rules: what a token
 * created through `auth/token/create/:name` may hold and how it behaves. The role decides the
 * policies it may carry (`allowed_policies`, `disallowed_policies` and their `*_glob` forms, see
 * `token-role-policies.ts`), whether it is an orphan, whether it may be renewed, its period,
 * explicit max TTL, use limit, bound CIDRs and kind, and adds `path_suffix` to its path (shown in
 * lookups; Vault revokes by that prefix with `sys/leases/revoke-prefix`, which Hush does not
 * offer yet). Roles are stored as JSON under `roles/<name>` in the storage the caller gives (the
 * token store's, in the barrier).
 */
import { badRequest } from '../lib/errors.js';
import type { Storage } from '../storage/storage.js';
import { parseBoundCidrs } from './bound-cidrs.js';
import { readBool, readDuration, readInt, readString, readStringList } from './token-fields.js';
import { checkBatchTokenFields, parseTokenTypeSetting } from './token-type-setting.js';
import type { TokenType } from './token-types.js';

/** A role's `token_type`: `default-service` (the default), `default-batch`, `service`, `batch`. */
export type TokenRoleType = 'default-service' | 'default-batch' | 'service' | 'batch';

export interface TokenRole {
  readonly name: string;
  readonly allowedPolicies: readonly string[];
  readonly disallowedPolicies: readonly string[];
  readonly allowedPoliciesGlob: readonly string[];
  readonly disallowedPoliciesGlob: readonly string[];
  readonly orphan: boolean;
  readonly renewable: boolean;
  readonly pathSuffix: string;
  /** Stored and shown; Hush has no identity entities to bind yet. */
  readonly allowedEntityAliases: readonly string[];
  readonly tokenBoundCidrs: readonly string[];
  /** Seconds; 0 for none. */
  readonly tokenExplicitMaxTtl: number;
  readonly tokenNoDefaultPolicy: boolean;
  readonly tokenNumUses: number;
  /** Seconds; 0 for none. */
  readonly tokenPeriod: number;
  readonly tokenType: TokenRoleType;
}

const ROLE_PREFIX = 'roles/';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

type Data = Readonly<Record<string, unknown>>;

/** Role names as Vault takes them: one path segment, no `..`. */
function isRoleName(name: string): boolean {
  return name !== '' && !name.includes('/') && !name.includes('..');
}

/**
 * The role `name` after a write of `data` over `existing` (fields not given keep their value, as
 * Vault's update does; a new role starts from Vault's defaults). Legacy names (`period`,
 * `explicit_max_ttl`, `bound_cidrs`) are read when the `token_*` form is absent.
 */
export function parseTokenRole(name: string, data: Data, existing: TokenRole | undefined): TokenRole {
  if (!isRoleName(name)) throw badRequest('invalid role name');
  const has = (field: string) => data[field] !== undefined && data[field] !== null;
  const pick = <T>(fields: readonly string[], read: (field: string) => T, fallback: T): T => {
    const field = fields.find(has);
    return field === undefined ? fallback : read(field);
  };
  const list = (field: keyof TokenRole & string, wire: string): readonly string[] =>
    pick([wire], (f) => readStringList(data, f), (existing?.[field] as readonly string[] | undefined) ?? []);

  const pathSuffix = pick(['path_suffix'], (f) => readString(data, f).trim(), existing?.pathSuffix ?? '');
  if (pathSuffix.includes('..')) throw badRequest("error registering path suffix: path suffix cannot contain '..'");
  const tokenType = pick(['token_type'], (f) => readRoleType(readString(data, f)), existing?.tokenType ?? 'default-service');
  const numUses = pick(['token_num_uses'], (f) => readInt(data, f), existing?.tokenNumUses ?? 0);
  if (numUses < 0) throw badRequest('token_num_uses cannot be negative');
  const role: TokenRole = {
    name,
    allowedPolicies: list('allowedPolicies', 'allowed_policies'),
    disallowedPolicies: list('disallowedPolicies', 'disallowed_policies'),
    allowedPoliciesGlob: list('allowedPoliciesGlob', 'allowed_policies_glob'),
    disallowedPoliciesGlob: list('disallowedPoliciesGlob', 'disallowed_policies_glob'),
    orphan: pick(['orphan'], (f) => readBool(data, f), existing?.orphan ?? false),
    renewable: pick(['renewable'], (f) => readBool(data, f, true), existing?.renewable ?? true),
    pathSuffix,
    allowedEntityAliases: list('allowedEntityAliases', 'allowed_entity_aliases'),
    tokenBoundCidrs: pick(['token_bound_cidrs', 'bound_cidrs'], (f) => parseBoundCidrs(readStringList(data, f)), existing?.tokenBoundCidrs ?? []),
    tokenExplicitMaxTtl: pick(['token_explicit_max_ttl', 'explicit_max_ttl'], (f) => readDuration(data, f), existing?.tokenExplicitMaxTtl ?? 0),
    tokenNoDefaultPolicy: pick(['token_no_default_policy'], (f) => readBool(data, f), existing?.tokenNoDefaultPolicy ?? false),
    tokenNumUses: numUses,
    tokenPeriod: pick(['token_period', 'period'], (f) => readDuration(data, f), existing?.tokenPeriod ?? 0),
    tokenType,
  };
  checkBatchTokenFields(tokenType, { period: role.tokenPeriod, numUses: role.tokenNumUses });
  return role;
}

/** The `token_type` values of auth-method roles, with `default` meaning `default-service`. */
function readRoleType(value: string): TokenRoleType {
  const t = parseTokenTypeSetting(value);
  return t === 'default' ? 'default-service' : t;
}

/** What `GET auth/token/roles/:name` answers (Vault's field names, durations in seconds; the
 * legacy `period` and `explicit_max_ttl` repeat the `token_*` values). */
export function renderTokenRole(role: TokenRole): Record<string, unknown> {
  return {
    name: role.name,
    allowed_policies: [...role.allowedPolicies],
    disallowed_policies: [...role.disallowedPolicies],
    allowed_policies_glob: [...role.allowedPoliciesGlob],
    disallowed_policies_glob: [...role.disallowedPoliciesGlob],
    orphan: role.orphan,
    renewable: role.renewable,
    path_suffix: role.pathSuffix,
    allowed_entity_aliases: [...role.allowedEntityAliases],
    token_bound_cidrs: [...role.tokenBoundCidrs],
    token_explicit_max_ttl: role.tokenExplicitMaxTtl,
    explicit_max_ttl: role.tokenExplicitMaxTtl,
    token_no_default_policy: role.tokenNoDefaultPolicy,
    token_num_uses: role.tokenNumUses,
    token_period: role.tokenPeriod,
    period: role.tokenPeriod,
    token_type: role.tokenType,
  };
}

/**
 * The kind of token a create through `role` makes, given the request's `type` (`''` when not
 * given): `service` and `batch` roles decide alone; `default-*` roles take the request's kind
 * and fall back to their own.
 */
export function roleTokenType(role: TokenRole, requested: '' | TokenType): TokenType {
  if (role.tokenType === 'service' || role.tokenType === 'batch') return role.tokenType;
  if (requested !== '') return requested;
  return role.tokenType === 'default-batch' ? 'batch' : 'service';
}

/** Token roles kept in `storage` under `roles/`. */
export class TokenRoleStore {
  readonly #storage: Storage;

  constructor(storage: Storage) {
    this.#storage = storage;
  }

  async get(name: string): Promise<TokenRole | undefined> {
    if (!isRoleName(name)) return undefined;
    const bytes = await this.#storage.get(ROLE_PREFIX + name);
    return bytes === undefined ? undefined : (JSON.parse(decoder.decode(bytes)) as TokenRole);
  }

  async put(role: TokenRole): Promise<void> {
    await this.#storage.put(ROLE_PREFIX + role.name, encoder.encode(JSON.stringify(role)));
  }

  async delete(name: string): Promise<void> {
    if (!isRoleName(name)) return;
    await this.#storage.delete(ROLE_PREFIX + name);
  }

  async list(): Promise<string[]> {
    return (await this.#storage.list(ROLE_PREFIX)).filter((n) => !n.endsWith('/'));
  }
}
