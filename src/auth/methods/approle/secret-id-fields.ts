/**
 * @module Reading a secret-ID request (`secret-id`, `custom-secret-id`) against its role with
 * Vault's rules — `metadata` is a JSON string of a string map; `cidr_list` and
 * `token_bound_cidrs` must lie inside the role's blocks; `num_uses` and `ttl` default to the
 * role's and may not exceed them — and showing an entry as `lookup` does.
 */
import { badRequest } from '../../../lib/errors.js';
import { isAddressAllowed, parseBoundCidrs } from '../../bound-cidrs.js';
import { readDuration, readInt, readStringList } from '../../token-fields.js';
import type { AppRole, SecretIdEntry } from './approle-types.js';

type Data = Readonly<Record<string, unknown>>;

export interface SecretIdOptions {
  readonly metadata: Record<string, string>;
  readonly cidrList: string[];
  readonly tokenBoundCidrs: string[];
  readonly numUses: number;
  readonly ttl: number;
}

const given = (data: Data, field: string) => data[field] !== undefined && data[field] !== null && data[field] !== '';

/** `metadata`: a JSON string of a string map (hvac's form) or, leniently, the map itself. */
export function readMetadata(data: Data): Record<string, string> {
  let raw = data['metadata'];
  if (raw === undefined || raw === null || raw === '') return {};
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw) as unknown;
    } catch {
      throw badRequest('failed to parse metadata: expected a JSON object of string values');
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw badRequest('failed to parse metadata: expected a JSON object of string values');
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string') throw badRequest('failed to parse metadata: expected a JSON object of string values');
    out[key] = value;
  }
  return out;
}

/** Whether every block of `inner` lies inside some block of `outer`. */
export function cidrsWithin(inner: readonly string[], outer: readonly string[]): boolean {
  return inner.every((block) => {
    const [address = '', prefix = '0'] = block.split('/');
    return outer.some((o) => Number(o.split('/')[1]) <= Number(prefix) && isAddressAllowed([o], address));
  });
}

export function readSecretIdOptions(role: AppRole, data: Data): SecretIdOptions {
  const metadata = readMetadata(data);
  const cidrList = parseBoundCidrs(readStringList(data, 'cidr_list'));
  if (role.secretIdBoundCidrs.length > 0 && !cidrsWithin(cidrList, role.secretIdBoundCidrs)) {
    throw badRequest("cidr_list must be a subset of the role's secret_id_bound_cidrs");
  }
  const tokenBoundCidrs = parseBoundCidrs(readStringList(data, 'token_bound_cidrs'));
  if (role.tokenBoundCidrs.length > 0 && !cidrsWithin(tokenBoundCidrs, role.tokenBoundCidrs)) {
    throw badRequest("token_bound_cidrs must be a subset of the role's token_bound_cidrs");
  }
  let numUses = role.secretIdNumUses;
  if (given(data, 'num_uses')) {
    numUses = readInt(data, 'num_uses');
    if (numUses < 0) throw badRequest('num_uses cannot be negative');
    if (role.secretIdNumUses > 0 && (numUses === 0 || numUses > role.secretIdNumUses)) {
      throw badRequest("num_uses cannot be higher than the role's secret_id_num_uses");
    }
  }
  let ttl = role.secretIdTtl;
  if (given(data, 'ttl')) {
    ttl = readDuration(data, 'ttl');
    if (role.secretIdTtl > 0 && (ttl === 0 || ttl > role.secretIdTtl)) {
      throw badRequest("ttl cannot be longer than the role's secret_id_ttl");
    }
  }
  return { metadata, cidrList, tokenBoundCidrs, numUses, ttl };
}

/** Go's zero time, which Vault shows for a secret ID that never expires. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** The `data` of `secret-id/lookup` and `secret-id-accessor/lookup`. */
export function secretIdLookupData(entry: SecretIdEntry): Record<string, unknown> {
  return {
    cidr_list: [...entry.cidrList],
    creation_time: new Date(entry.creationTime).toISOString(),
    expiration_time: entry.expirationTime > 0 ? new Date(entry.expirationTime).toISOString() : ZERO_TIME,
    last_updated_time: new Date(entry.lastUpdatedTime).toISOString(),
    metadata: { ...entry.metadata },
    secret_id_accessor: entry.accessor,
    secret_id_num_uses: entry.numUses,
    secret_id_ttl: entry.ttl,
    token_bound_cidrs: [...entry.tokenBoundCidrs],
  };
}

/** Whether the entry is past its expiry at `now`. */
export function isExpired(entry: SecretIdEntry, now: number): boolean {
  return entry.expirationTime > 0 && entry.expirationTime <= now;
}
