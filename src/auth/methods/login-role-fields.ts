/**
 * @module What the roles of login methods share: the form of their names, and the token fields
 * as Vault's plugins share them (`tokenutil`):
 * `token_policies`, `token_ttl`, `token_max_ttl`, `token_explicit_max_ttl`, `token_period`,
 * `token_num_uses`, `token_bound_cidrs`, `token_no_default_policy`, `token_type`, with the legacy
 * names (`policies`, `ttl`, `max_ttl`, `period`, `num_uses`, `bound_cidrs`) read too. Used by the
 * JWT/OIDC and Kubernetes roles; what a login under such a role asks the core for.
 */
import { badRequest } from '../../lib/errors.js';
import { parseBoundCidrs } from '../bound-cidrs.js';
import { readBool, readDuration, readInt, readString, readStringList } from '../token-fields.js';
import { checkBatchTokenFields, parseTokenTypeSetting } from '../token-type-setting.js';
import type { LoginResult } from './auth-method.js';

type Data = Readonly<Record<string, unknown>>;

/** A role's name: word characters, with `.`, `@` and `-` inside. */
export const ROLE_NAME = /^[\w](?:[\w.@-]*[\w])?$/;

export interface RoleTokenFields {
  readonly token_policies: readonly string[];
  /** Seconds; 0 = the mount's default. */
  readonly token_ttl: number;
  readonly token_max_ttl: number;
  readonly token_explicit_max_ttl: number;
  readonly token_period: number;
  readonly token_num_uses: number;
  readonly token_bound_cidrs: readonly string[];
  readonly token_no_default_policy: boolean;
  readonly token_type: string;
}

const NONE: RoleTokenFields = {
  token_policies: [],
  token_ttl: 0,
  token_max_ttl: 0,
  token_explicit_max_ttl: 0,
  token_period: 0,
  token_num_uses: 0,
  token_bound_cidrs: [],
  token_no_default_policy: false,
  token_type: 'default',
};

/** The token fields of a role write, over `existing`'s when updating; checks the combination. */
export function parseRoleTokenFields(data: Data, existing: RoleTokenFields | undefined): RoleTokenFields {
  const base = existing ?? NONE;
  const pick = <T>(fields: readonly string[], read: (field: string) => T, fallback: T): T => {
    const field = fields.find((f) => data[f] !== undefined);
    return field === undefined ? fallback : read(field);
  };
  const fields: RoleTokenFields = {
    token_policies: pick(['token_policies', 'policies'], (f) => readStringList(data, f), base.token_policies),
    token_ttl: pick(['token_ttl', 'ttl'], (f) => readDuration(data, f), base.token_ttl),
    token_max_ttl: pick(['token_max_ttl', 'max_ttl'], (f) => readDuration(data, f), base.token_max_ttl),
    token_explicit_max_ttl: pick(['token_explicit_max_ttl'], (f) => readDuration(data, f), base.token_explicit_max_ttl),
    token_period: pick(['token_period', 'period'], (f) => readDuration(data, f), base.token_period),
    token_num_uses: pick(['token_num_uses', 'num_uses'], (f) => readInt(data, f), base.token_num_uses),
    token_bound_cidrs: pick(['token_bound_cidrs', 'bound_cidrs'], (f) => parseBoundCidrs(readStringList(data, f)), base.token_bound_cidrs),
    token_no_default_policy: pick(['token_no_default_policy'], (f) => readBool(data, f), base.token_no_default_policy),
    token_type: pick(['token_type'], (f) => parseTokenTypeSetting(readString(data, f)), base.token_type),
  };
  if (fields.token_num_uses < 0) throw badRequest('token_num_uses cannot be negative');
  checkBatchTokenFields(fields.token_type, { period: fields.token_period, numUses: fields.token_num_uses });
  if (fields.token_max_ttl > 0 && fields.token_ttl > fields.token_max_ttl) throw badRequest('token_ttl should not be greater than token_max_ttl');
  return fields;
}

/** The token fields as a role read shows them (Vault's names, the legacy ones too; seconds). */
export function roleTokenFieldsResponse(fields: RoleTokenFields): Record<string, unknown> {
  return {
    token_policies: [...fields.token_policies],
    policies: [...fields.token_policies],
    token_ttl: fields.token_ttl,
    ttl: fields.token_ttl,
    token_max_ttl: fields.token_max_ttl,
    max_ttl: fields.token_max_ttl,
    token_explicit_max_ttl: fields.token_explicit_max_ttl,
    token_period: fields.token_period,
    period: fields.token_period,
    token_num_uses: fields.token_num_uses,
    num_uses: fields.token_num_uses,
    token_bound_cidrs: [...fields.token_bound_cidrs],
    bound_cidrs: [...fields.token_bound_cidrs],
    token_no_default_policy: fields.token_no_default_policy,
    token_type: fields.token_type,
  };
}

/** What a login under the role asks the core for, besides who logged in. */
export function loginTokenParams(fields: RoleTokenFields): Omit<LoginResult, 'metadata' | 'displayName' | 'aliasName'> {
  return {
    policies: fields.token_policies,
    noDefaultPolicy: fields.token_no_default_policy,
    ttl: fields.token_ttl,
    maxTtl: fields.token_max_ttl,
    explicitMaxTtl: fields.token_explicit_max_ttl,
    period: fields.token_period,
    numUses: fields.token_num_uses,
    boundCidrs: fields.token_bound_cidrs,
    renewable: true,
    tokenType: fields.token_type,
  };
}
