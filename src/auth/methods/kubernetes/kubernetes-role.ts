/**
 * @module `auth/<mount>/role/:name` of the Kubernetes method: which service accounts may log in
 * (`bound_service_account_names` in `bound_service_account_namespaces`, `*` globs allowed), the
 * audience their token must carry (`audience`), what names the identity (`alias_name_source`),
 * and the token they get (the shared `token_*` fields). Vault's rules on write: both lists set,
 * `*` alone in a list, and never both lists `*` (any service account of any namespace).
 */
import { badRequest } from '../../../lib/errors.js';
import { globMatch } from '../../../lib/star-glob.js';
import { readString, readStringList } from '../../token-fields.js';
import { parseRoleTokenFields, roleTokenFieldsResponse } from '../login-role-fields.js';
import type { RoleTokenFields } from '../login-role-fields.js';

export type AliasNameSource = 'serviceaccount_uid' | 'serviceaccount_name';

export interface KubernetesRole extends RoleTokenFields {
  readonly bound_service_account_names: readonly string[];
  readonly bound_service_account_namespaces: readonly string[];
  readonly audience: string;
  readonly alias_name_source: AliasNameSource;
}

type Data = Readonly<Record<string, unknown>>;

function readBoundList(data: Data, field: string, existing: readonly string[] | undefined): readonly string[] {
  const list = data[field] === undefined ? (existing ?? []) : readStringList(data, field);
  if (list.length === 0) throw badRequest(`"${field}" can not be empty`);
  if (list.length > 1 && list.includes('*')) throw badRequest(`can not mix "*" with values in "${field}"`);
  return list;
}

/** Builds a role from a write, on top of `existing` when updating. */
export function parseRole(data: Data, existing: KubernetesRole | undefined): KubernetesRole {
  const names = readBoundList(data, 'bound_service_account_names', existing?.bound_service_account_names);
  const namespaces = readBoundList(data, 'bound_service_account_namespaces', existing?.bound_service_account_namespaces);
  if (names[0] === '*' && namespaces[0] === '*') {
    throw badRequest('"bound_service_account_names" and "bound_service_account_namespaces" can not both be "*": that would let every service account in the cluster log in');
  }
  const source = data['alias_name_source'] === undefined ? (existing?.alias_name_source ?? 'serviceaccount_uid') : readString(data, 'alias_name_source').trim();
  if (source !== 'serviceaccount_uid' && source !== 'serviceaccount_name') {
    throw badRequest(`invalid alias_name_source ${JSON.stringify(source.slice(0, 32))}: must be "serviceaccount_uid" or "serviceaccount_name"`);
  }
  return {
    ...parseRoleTokenFields(data, existing),
    bound_service_account_names: names,
    bound_service_account_namespaces: namespaces,
    audience: data['audience'] === undefined ? (existing?.audience ?? '') : readString(data, 'audience').trim(),
    alias_name_source: source,
  };
}

/** The role as `read auth/<mount>/role/:name` shows it. */
export function roleResponse(role: KubernetesRole): Record<string, unknown> {
  return {
    bound_service_account_names: [...role.bound_service_account_names],
    bound_service_account_namespaces: [...role.bound_service_account_namespaces],
    audience: role.audience,
    alias_name_source: role.alias_name_source,
    ...roleTokenFieldsResponse(role),
  };
}

/** Whether `value` is one of a bound list's entries (each `*`-glob or exact). */
export function isBound(list: readonly string[], value: string): boolean {
  return list.some((pattern) => globMatch(pattern, value));
}
