/**
 * @module A userpass user as stored, and the token fields Vault's userpass accepts for it
 * (`token_policies`, `token_ttl`, `token_max_ttl`, `token_explicit_max_ttl`, `token_period`,
 * `token_num_uses`, `token_bound_cidrs`, `token_no_default_policy`, `token_type`), with the
 * legacy names (`policies`, `ttl`, `max_ttl`, `bound_cidrs`) read as Vault upgrades them: either
 * name sets the value, both in one request is an error, and a read shows the legacy name again
 * only while it was the one last used. The password hash never leaves this record through
 * {@link toReadData}.
 */
import { badRequest } from '../../../lib/errors.js';
import { parseBoundCidrs } from '../../bound-cidrs.js';
import { readBool, readDuration, readInt, readString, readStringList } from '../../token-fields.js';
import { checkBatchTokenFields, parseTokenTypeSetting } from '../../token-type-setting.js';
import type { LoginResult } from '../auth-method.js';

type Data = Readonly<Record<string, unknown>>;

export interface UserEntry {
  /** argon2id PHC string. */
  passwordHash: string;
  tokenPolicies: string[];
  /** Seconds; 0 = the mount's default. */
  tokenTtl: number;
  tokenMaxTtl: number;
  tokenExplicitMaxTtl: number;
  tokenPeriod: number;
  tokenNumUses: number;
  tokenBoundCidrs: string[];
  tokenNoDefaultPolicy: boolean;
  tokenType: string;
  /** Which legacy field names were last used to set the value (echoed on read, as Vault does). */
  legacy: { policies?: boolean; ttl?: boolean; maxTtl?: boolean; boundCidrs?: boolean };
}

export function newUserEntry(passwordHash: string): UserEntry {
  return {
    passwordHash,
    tokenPolicies: [],
    tokenTtl: 0,
    tokenMaxTtl: 0,
    tokenExplicitMaxTtl: 0,
    tokenPeriod: 0,
    tokenNumUses: 0,
    tokenBoundCidrs: [],
    tokenNoDefaultPolicy: false,
    tokenType: 'default',
    legacy: {},
  };
}

const has = (data: Data, field: string): boolean => data[field] !== undefined;

/** Picks the value of a field that also has a legacy name; undefined when neither is given. */
function upgraded<T>(
  data: Data,
  legacyName: string,
  newName: string,
  read: (field: string) => T,
): { value: T; legacy: boolean } | undefined {
  const hasLegacy = has(data, legacyName);
  const hasNew = has(data, newName);
  if (hasLegacy && hasNew) throw badRequest(`cannot specify both "${newName}" and "${legacyName}"`);
  if (hasNew) return { value: read(newName), legacy: false };
  if (hasLegacy) return { value: read(legacyName), legacy: true };
  return undefined;
}

/** Lower-cased, trimmed, de-duplicated and sorted, as Vault stores policy names. */
export function sanitizePolicies(policies: readonly string[]): string[] {
  return [...new Set(policies.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''))].sort();
}

/** Reads the policy fields (`token_policies` or legacy `policies`) into `entry`, if given. */
export function applyPolicyFields(entry: UserEntry, data: Data): void {
  const policies = upgraded(data, 'policies', 'token_policies', (f) => readStringList(data, f));
  if (!policies) return;
  entry.tokenPolicies = sanitizePolicies(policies.value);
  entry.legacy.policies = policies.legacy;
}

/** Reads every token field present in `data` into `entry`, then checks the combination. */
export function applyTokenFields(entry: UserEntry, data: Data): void {
  applyPolicyFields(entry, data);

  const ttl = upgraded(data, 'ttl', 'token_ttl', (f) => readDuration(data, f));
  if (ttl) {
    entry.tokenTtl = ttl.value;
    entry.legacy.ttl = ttl.legacy;
  }
  const maxTtl = upgraded(data, 'max_ttl', 'token_max_ttl', (f) => readDuration(data, f));
  if (maxTtl) {
    entry.tokenMaxTtl = maxTtl.value;
    entry.legacy.maxTtl = maxTtl.legacy;
  }
  const cidrs = upgraded(data, 'bound_cidrs', 'token_bound_cidrs', (f) => parseBoundCidrs(readStringList(data, f)));
  if (cidrs) {
    entry.tokenBoundCidrs = cidrs.value;
    entry.legacy.boundCidrs = cidrs.legacy;
  }
  if (has(data, 'token_explicit_max_ttl')) entry.tokenExplicitMaxTtl = readDuration(data, 'token_explicit_max_ttl');
  if (has(data, 'token_period')) entry.tokenPeriod = readDuration(data, 'token_period');
  if (has(data, 'token_num_uses')) entry.tokenNumUses = readInt(data, 'token_num_uses');
  if (has(data, 'token_no_default_policy')) entry.tokenNoDefaultPolicy = readBool(data, 'token_no_default_policy');
  if (has(data, 'token_type')) entry.tokenType = parseTokenTypeSetting(readString(data, 'token_type'));

  if (entry.tokenNumUses < 0) throw badRequest('"token_num_uses" cannot be negative');
  checkBatchTokenFields(entry.tokenType, { period: entry.tokenPeriod, numUses: entry.tokenNumUses });
  if (entry.tokenTtl > 0 && entry.tokenMaxTtl > 0 && entry.tokenTtl > entry.tokenMaxTtl) {
    throw badRequest('"token_ttl" cannot be greater than "token_max_ttl"');
  }
}

/** The `data` of a user read: token fields in Vault's names, never the password hash. */
export function toReadData(entry: UserEntry): Record<string, unknown> {
  const data: Record<string, unknown> = {
    token_bound_cidrs: [...entry.tokenBoundCidrs],
    token_explicit_max_ttl: entry.tokenExplicitMaxTtl,
    token_max_ttl: entry.tokenMaxTtl,
    token_no_default_policy: entry.tokenNoDefaultPolicy,
    token_num_uses: entry.tokenNumUses,
    token_period: entry.tokenPeriod,
    token_policies: [...entry.tokenPolicies],
    token_ttl: entry.tokenTtl,
    token_type: entry.tokenType,
  };
  if (entry.legacy.policies) data['policies'] = [...entry.tokenPolicies];
  if (entry.legacy.ttl) data['ttl'] = entry.tokenTtl;
  if (entry.legacy.maxTtl) data['max_ttl'] = entry.tokenMaxTtl;
  if (entry.legacy.boundCidrs) data['bound_cidrs'] = [...entry.tokenBoundCidrs];
  return data;
}

/** What a successful login of `username` grants. */
export function toLoginResult(username: string, entry: UserEntry): LoginResult {
  return {
    policies: [...entry.tokenPolicies],
    noDefaultPolicy: entry.tokenNoDefaultPolicy,
    metadata: { username },
    displayName: username,
    aliasName: username,
    ttl: entry.tokenTtl,
    maxTtl: entry.tokenMaxTtl,
    explicitMaxTtl: entry.tokenExplicitMaxTtl,
    period: entry.tokenPeriod,
    numUses: entry.tokenNumUses,
    boundCidrs: [...entry.tokenBoundCidrs],
    tokenType: entry.tokenType,
  };
}
