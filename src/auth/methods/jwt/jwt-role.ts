/**
 * @module `auth/<mount>/role/:name` of the JWT method: who may log in (`bound_audiences`,
 * `bound_subject`, `bound_claims` matched as strings or globs), which claim names them
 * (`user_claim`), which claims become token metadata (`claim_mappings`), the time leeways, and
 * the token the core issues (`token_*` fields, with Vault's legacy names accepted). A role is
 * for JWT logins (`role_type: jwt`) or for the OIDC browser flow (`role_type: oidc`, with the
 * `allowed_redirect_uris`, extra `oidc_scopes` and `max_age` it asks the provider for). Vault's
 * rules are enforced on write: a `user_claim`, at least one bound constraint for `jwt` roles
 * (an `oidc` role's tokens are bound to the client ID), and a redirect URI for `oidc` roles.
 */
import { badRequest } from '../../../lib/errors.js';
import { readBool, readDuration, readString, readStringList } from '../../token-fields.js';
import { parseRoleTokenFields, roleTokenFieldsResponse } from '../login-role-fields.js';
import type { RoleTokenFields } from '../login-role-fields.js';

export type BoundClaimValue = string | number | boolean;

export type RoleType = 'jwt' | 'oidc';

export interface JwtRole extends RoleTokenFields {
  readonly role_type: RoleType;
  readonly user_claim: string;
  readonly user_claim_json_pointer: boolean;
  readonly bound_audiences: readonly string[];
  readonly bound_subject: string;
  readonly bound_claims: Readonly<Record<string, BoundClaimValue | readonly BoundClaimValue[]>>;
  readonly bound_claims_type: 'string' | 'glob';
  readonly claim_mappings: Readonly<Record<string, string>>;
  readonly groups_claim: string;
  /** Seconds; 0 = the default (60 / 150 / 150), -1 = no leeway. */
  readonly clock_skew_leeway: number;
  readonly expiration_leeway: number;
  readonly not_before_leeway: number;
  /** OIDC roles: where the provider may send the browser back (loopback ports are free). Absent
   * in roles stored before the OIDC flow existed, as are the next three. */
  readonly allowed_redirect_uris?: readonly string[];
  /** Scopes asked for besides `openid`. */
  readonly oidc_scopes?: readonly string[];
  /** Seconds: the longest time since the user last signed in at the provider (0: no limit). */
  readonly max_age?: number;
  /** Accepted for Vault's API; Hush never logs claims, whatever it says. */
  readonly verbose_oidc_logging?: boolean;
}

type Data = Readonly<Record<string, unknown>>;

const has = (data: Data, field: string) => data[field] !== undefined;

/** A leeway: seconds or a duration, or -1 to disable it. */
function readLeeway(data: Data, field: string): number {
  const value = data[field];
  if (value === -1 || value === '-1') return -1;
  return readDuration(data, field);
}

function readBoundClaims(data: Data, parseCommas: boolean): Record<string, BoundClaimValue | BoundClaimValue[]> {
  const value = data.bound_claims;
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('bound_claims must be a map of claim names to values');
  const out = Object.create(null) as Record<string, BoundClaimValue | BoundClaimValue[]>;
  const scalar = (v: unknown): v is BoundClaimValue => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  for (const [claim, expected] of Object.entries(value as Record<string, unknown>)) {
    if (typeof expected === 'string' && parseCommas && expected.includes(',')) {
      out[claim] = expected.split(',').map((s) => s.trim()).filter((s) => s !== '');
    } else if (scalar(expected)) {
      out[claim] = expected;
    } else if (Array.isArray(expected) && expected.every(scalar)) {
      out[claim] = expected;
    } else {
      throw badRequest(`bound_claims value for claim ${JSON.stringify(claim)} must be a string, number, boolean or a list of them`);
    }
  }
  return out;
}

function readClaimMappings(data: Data): Record<string, string> {
  const value = data.claim_mappings;
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest('claim_mappings must be a map of claim names to metadata keys');
  const out = Object.create(null) as Record<string, string>;
  const targets = new Set<string>();
  for (const [claim, target] of Object.entries(value as Record<string, unknown>)) {
    if (typeof target !== 'string' || target === '') throw badRequest('claim_mappings values must be metadata key names');
    if (target === 'role') throw badRequest('metadata key "role" is reserved and may not be a mapping destination');
    if (targets.has(target)) throw badRequest(`multiple claims are mapped to metadata key ${JSON.stringify(target)}`);
    targets.add(target);
    out[claim] = target;
  }
  return out;
}

/** Redirect URIs: absolute http(s) URLs without a fragment (RFC 6749 section 3.1.2). */
function readRedirectUris(data: Data, field: string): string[] {
  const uris = readStringList(data, field);
  for (const [i, uri] of uris.entries()) {
    let parsed: URL;
    try {
      parsed = new URL(uri);
    } catch (err) {
      throw badRequest(`${field}[${i}] is not an absolute URL`, err);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw badRequest(`${field}[${i}] must be an http(s) URL`);
    if (parsed.hash !== '' || uri.includes('#')) throw badRequest(`${field}[${i}] must not have a fragment`);
  }
  return uris;
}

/** Builds a role from a write, on top of `existing` when updating. */
export function parseRole(data: Data, existing: JwtRole | undefined): JwtRole {
  const pick = <T>(fields: readonly string[], read: (field: string) => T, fallback: T): T => {
    const field = fields.find((f) => has(data, f));
    return field === undefined ? fallback : read(field);
  };
  const roleType = pick(['role_type'], (f) => readString(data, f).trim(), existing?.role_type ?? 'jwt') || 'jwt';
  if (roleType !== 'jwt' && roleType !== 'oidc') {
    throw badRequest(`invalid role_type ${JSON.stringify(roleType.slice(0, 32))}: must be "jwt" or "oidc"`);
  }
  const boundClaimsType = pick(['bound_claims_type'], (f) => readString(data, f).trim(), existing?.bound_claims_type ?? 'string') || 'string';
  if (boundClaimsType !== 'string' && boundClaimsType !== 'glob') {
    throw badRequest(`invalid bound_claims_type ${JSON.stringify(boundClaimsType.slice(0, 32))}: must be "string" or "glob"`);
  }
  const parseCommas = !readBool(data, 'disable_bound_claims_parsing');
  const role: JwtRole = {
    ...parseRoleTokenFields(data, existing),
    role_type: roleType,
    user_claim: pick(['user_claim'], (f) => readString(data, f).trim(), existing?.user_claim ?? ''),
    user_claim_json_pointer: pick(['user_claim_json_pointer'], (f) => readBool(data, f), existing?.user_claim_json_pointer ?? false),
    bound_audiences: pick(['bound_audiences'], (f) => readStringList(data, f), existing?.bound_audiences ?? []),
    bound_subject: pick(['bound_subject'], (f) => readString(data, f).trim(), existing?.bound_subject ?? ''),
    bound_claims: pick(['bound_claims'], () => readBoundClaims(data, parseCommas), existing?.bound_claims ?? {}),
    bound_claims_type: boundClaimsType,
    claim_mappings: pick(['claim_mappings'], () => readClaimMappings(data), existing?.claim_mappings ?? {}),
    groups_claim: pick(['groups_claim'], (f) => readString(data, f).trim(), existing?.groups_claim ?? ''),
    clock_skew_leeway: pick(['clock_skew_leeway'], (f) => readLeeway(data, f), existing?.clock_skew_leeway ?? 0),
    expiration_leeway: pick(['expiration_leeway'], (f) => readLeeway(data, f), existing?.expiration_leeway ?? 0),
    not_before_leeway: pick(['not_before_leeway'], (f) => readLeeway(data, f), existing?.not_before_leeway ?? 0),
    allowed_redirect_uris: pick(['allowed_redirect_uris'], (f) => readRedirectUris(data, f), existing?.allowed_redirect_uris ?? []),
    oidc_scopes: pick(['oidc_scopes'], (f) => readStringList(data, f), existing?.oidc_scopes ?? []),
    max_age: pick(['max_age'], (f) => readDuration(data, f), existing?.max_age ?? 0),
    verbose_oidc_logging: pick(['verbose_oidc_logging'], (f) => readBool(data, f), existing?.verbose_oidc_logging ?? false),
  };
  if (role.user_claim === '') throw badRequest('a user claim must be defined on the role (user_claim)');
  if (role.role_type === 'oidc' && (role.allowed_redirect_uris ?? []).length === 0) {
    throw badRequest("'allowed_redirect_uris' must contain at least one URI for an oidc role");
  }
  if (
    role.role_type === 'jwt' &&
    role.bound_audiences.length === 0 &&
    role.bound_subject === '' &&
    Object.keys(role.bound_claims).length === 0
  ) {
    throw badRequest('must have at least one bound constraint when creating/updating a role (bound_audiences, bound_subject or bound_claims)');
  }
  if (role.bound_claims_type === 'glob') {
    for (const [claim, expected] of Object.entries(role.bound_claims)) {
      const values = Array.isArray(expected) ? expected : [expected];
      if (!values.every((v) => typeof v === 'string')) {
        throw badRequest(`bound_claims value for claim ${JSON.stringify(claim)} must be strings when bound_claims_type is "glob"`);
      }
    }
  }
  for (const field of ['clock_skew_leeway', 'expiration_leeway', 'not_before_leeway'] as const) {
    if (role[field] < -1) throw badRequest(`${field} must be -1 (disabled), 0 (default) or a positive number of seconds`);
  }
  return role;
}

/** The role as `read auth/<mount>/role/:name` shows it (Vault's field names, durations in s). */
export function roleResponse(role: JwtRole): Record<string, unknown> {
  return {
    role_type: role.role_type,
    user_claim: role.user_claim,
    user_claim_json_pointer: role.user_claim_json_pointer,
    bound_audiences: [...role.bound_audiences],
    bound_subject: role.bound_subject,
    bound_claims: Object.keys(role.bound_claims).length > 0 ? { ...role.bound_claims } : null,
    bound_claims_type: role.bound_claims_type,
    claim_mappings: Object.keys(role.claim_mappings).length > 0 ? { ...role.claim_mappings } : null,
    groups_claim: role.groups_claim,
    clock_skew_leeway: role.clock_skew_leeway,
    expiration_leeway: role.expiration_leeway,
    not_before_leeway: role.not_before_leeway,
    allowed_redirect_uris: [...(role.allowed_redirect_uris ?? [])],
    oidc_scopes: [...(role.oidc_scopes ?? [])],
    verbose_oidc_logging: role.verbose_oidc_logging ?? false,
    max_age: role.max_age ?? 0,
    ...roleTokenFieldsResponse(role),
  };
}
