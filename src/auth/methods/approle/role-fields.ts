/**
 * @module Reading `auth/<mount>/role/:name` writes into an {@link AppRole} with Vault's rules:
 * an update changes only the fields it names; `token_policies` wins over the deprecated
 * `policies` (and `token_period` over `period`); TTLs accept seconds or `"1h"`; a role without
 * `bind_secret_id` must have a CIDR binding; a role issuing batch tokens (`token_type` `batch` or
 * `default-batch`) cannot also ask for a period or a use limit.
 */
import { randomUUID } from 'node:crypto';
import { badRequest } from '../../../lib/errors.js';
import { parseBoundCidrs } from '../../bound-cidrs.js';
import { readBool, readDuration, readInt, readString, readStringList } from '../../token-fields.js';
import { checkBatchTokenFields, parseTokenTypeSetting } from '../../token-type-setting.js';
import type { AppRole } from './approle-types.js';

type Data = Readonly<Record<string, unknown>>;

/** Role names as Vault accepts them: word characters, `-`, `.`, `@`, under 4096 bytes. */
const ROLE_NAME = /^\w(?:[\w.@-]*\w)?$/;

export function validateRoleName(name: string): string {
  if (name.length >= 4096 || !ROLE_NAME.test(name)) {
    throw badRequest('invalid role name: use letters, digits, "_", "-", "." or "@"');
  }
  return name;
}

const given = (data: Data, field: string) => data[field] !== undefined && data[field] !== null;

/** Policy names as Vault normalises them: trimmed, lower case, unique, sorted. */
export function normalizePolicies(list: readonly string[]): string[] {
  return [...new Set(list.map((p) => p.trim().toLowerCase()).filter((p) => p !== ''))].sort();
}

function nonNegative(data: Data, field: string): number {
  const n = readInt(data, field);
  if (n < 0) throw badRequest(`${field} cannot be negative`);
  return n;
}

/** A role with every field at Vault's default. */
export function defaultRole(name: string): AppRole {
  return {
    name,
    uuid: randomUUID(),
    roleId: randomUUID(),
    bindSecretId: true,
    secretIdBoundCidrs: [],
    secretIdNumUses: 0,
    secretIdTtl: 0,
    localSecretIds: false,
    tokenPolicies: [],
    legacyPolicies: false,
    tokenTtl: 0,
    tokenMaxTtl: 0,
    tokenExplicitMaxTtl: 0,
    tokenPeriod: 0,
    legacyPeriod: false,
    tokenNumUses: 0,
    tokenNoDefaultPolicy: false,
    tokenBoundCidrs: [],
    tokenType: 'default',
  };
}

/** Applies the fields of a create/update request to `current` (or to a new role). */
export function applyRoleFields(name: string, current: AppRole | undefined, data: Data): AppRole {
  const base = current ?? defaultRole(name);
  const r: { -readonly [K in keyof AppRole]: AppRole[K] } = { ...base };

  if (!current && given(data, 'role_id')) {
    const roleId = readString(data, 'role_id').trim();
    if (roleId === '') throw badRequest('role_id cannot be empty');
    r.roleId = roleId;
  }
  if (given(data, 'bind_secret_id')) r.bindSecretId = readBool(data, 'bind_secret_id', true);
  if (given(data, 'secret_id_bound_cidrs')) r.secretIdBoundCidrs = parseBoundCidrs(readStringList(data, 'secret_id_bound_cidrs'));
  else if (given(data, 'bound_cidr_list')) r.secretIdBoundCidrs = parseBoundCidrs(readStringList(data, 'bound_cidr_list'));
  if (given(data, 'secret_id_num_uses')) r.secretIdNumUses = nonNegative(data, 'secret_id_num_uses');
  if (given(data, 'secret_id_ttl')) r.secretIdTtl = readDuration(data, 'secret_id_ttl');
  if (!current) r.localSecretIds = readBool(data, 'local_secret_ids') || readBool(data, 'enable_local_secret_ids');

  if (given(data, 'token_policies')) {
    r.tokenPolicies = normalizePolicies(readStringList(data, 'token_policies'));
    r.legacyPolicies = false;
  } else if (given(data, 'policies')) {
    r.tokenPolicies = normalizePolicies(readStringList(data, 'policies'));
    r.legacyPolicies = true;
  }
  if (given(data, 'token_ttl')) r.tokenTtl = readDuration(data, 'token_ttl');
  if (given(data, 'token_max_ttl')) r.tokenMaxTtl = readDuration(data, 'token_max_ttl');
  if (given(data, 'token_explicit_max_ttl')) r.tokenExplicitMaxTtl = readDuration(data, 'token_explicit_max_ttl');
  if (given(data, 'token_period')) {
    r.tokenPeriod = readDuration(data, 'token_period');
    r.legacyPeriod = false;
  } else if (given(data, 'period')) {
    r.tokenPeriod = readDuration(data, 'period');
    r.legacyPeriod = true;
  }
  if (given(data, 'token_num_uses')) r.tokenNumUses = nonNegative(data, 'token_num_uses');
  if (given(data, 'token_no_default_policy')) r.tokenNoDefaultPolicy = readBool(data, 'token_no_default_policy');
  if (given(data, 'token_bound_cidrs')) r.tokenBoundCidrs = parseBoundCidrs(readStringList(data, 'token_bound_cidrs'));
  if (given(data, 'token_type')) r.tokenType = parseTokenTypeSetting(readString(data, 'token_type'));
  checkBatchTokenFields(r.tokenType, { period: r.tokenPeriod, numUses: r.tokenNumUses });

  if (r.tokenMaxTtl > 0 && r.tokenTtl > r.tokenMaxTtl) {
    throw badRequest('token_ttl should not be greater than token_max_ttl');
  }
  if (!r.bindSecretId && r.secretIdBoundCidrs.length === 0 && r.tokenBoundCidrs.length === 0) {
    throw badRequest(
      'at least one constraint should be enabled on the role: bind_secret_id, or secret_id_bound_cidrs / token_bound_cidrs when bind_secret_id is false',
    );
  }
  return r;
}

/** The role as `GET role/:name` shows it (Vault's field names; durations in seconds). */
export function roleResponseData(role: AppRole): Record<string, unknown> {
  const data: Record<string, unknown> = {
    bind_secret_id: role.bindSecretId,
    local_secret_ids: role.localSecretIds,
    secret_id_bound_cidrs: [...role.secretIdBoundCidrs],
    secret_id_num_uses: role.secretIdNumUses,
    secret_id_ttl: role.secretIdTtl,
    token_bound_cidrs: [...role.tokenBoundCidrs],
    token_explicit_max_ttl: role.tokenExplicitMaxTtl,
    token_max_ttl: role.tokenMaxTtl,
    token_no_default_policy: role.tokenNoDefaultPolicy,
    token_num_uses: role.tokenNumUses,
    token_period: role.tokenPeriod,
    token_policies: [...role.tokenPolicies],
    token_ttl: role.tokenTtl,
    token_type: role.tokenType,
  };
  if (role.legacyPolicies) data['policies'] = [...role.tokenPolicies];
  if (role.legacyPeriod) data['period'] = role.tokenPeriod;
  return data;
}
