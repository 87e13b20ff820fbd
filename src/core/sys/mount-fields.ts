/**
 * @module Reading mount requests and rendering mount entries in Vault's shapes, shared by the
 * secrets-engine (`sys/mounts`) and auth-method (`sys/auth`) routes.
 */
import { HushError } from '../../lib/errors.js';
import { parseDurationSeconds } from '../../lib/duration.js';
import { parseMountTokenType } from '../../auth/token-type-setting.js';
import type { MountEntry, MountTuning } from '../router/mount-table.js';

/** What an auth mount's `token_type` reads as (the token store's own mount is not tunable). */
function loginTokenTypeOf(e: MountEntry): string {
  return e.type === 'token' ? 'default-service' : (e.config.token_type ?? 'default-service');
}

/** One mount in the shape of `sys/mounts` / `sys/auth` listings (auth mounts with their
 * `token_type`, as Vault lists them). */
export function renderMount(e: MountEntry, auth = false): Record<string, unknown> {
  return {
    accessor: e.accessor,
    config: {
      default_lease_ttl: e.config.default_lease_ttl,
      force_no_cache: e.config.force_no_cache,
      max_lease_ttl: e.config.max_lease_ttl,
      ...(auth ? { token_type: loginTokenTypeOf(e) } : {}),
    },
    description: e.description,
    external_entropy_access: false,
    local: e.local,
    options: Object.keys(e.options).length === 0 ? null : e.options,
    plugin_version: '',
    running_plugin_version: `v0.1.0+builtin.hush`,
    running_sha256: '',
    seal_wrap: e.sealWrap,
    type: e.type,
    uuid: e.uuid,
  };
}

/** A mount's tuning as `sys/mounts/:path/tune` and `sys/auth/:path/tune` read it; auth mounts
 * also show their `token_type`, as Vault does. */
export function renderTuning(e: MountEntry, auth = false): Record<string, unknown> {
  return {
    default_lease_ttl: e.config.default_lease_ttl,
    max_lease_ttl: e.config.max_lease_ttl,
    force_no_cache: e.config.force_no_cache,
    description: e.description,
    options: Object.keys(e.options).length === 0 ? null : e.options,
    ...(auth ? { token_type: loginTokenTypeOf(e) } : {}),
    ...(e.config.user_lockout_config ? { user_lockout_config: e.config.user_lockout_config } : {}),
  };
}

/** Vault accepts `kv-v2` (and `kv-v1`) as shorthands for `kv` with `options.version`. */
export function normalizeEngineType(
  type: unknown,
  options: Record<string, string>,
): { type: string; options: Record<string, string> } {
  if (typeof type !== 'string' || type === '') throw new HushError('bad_request', 'missing required field "type"');
  if (type === 'kv-v2') return { type: 'kv', options: { ...options, version: '2' } };
  if (type === 'kv-v1' || type === 'generic') return { type: 'kv', options: { ...options, version: options.version ?? '1' } };
  if (type === 'kv' && options.version === undefined) return { type, options: { ...options, version: '1' } };
  return { type, options };
}

export function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new HushError('bad_request', `"${field}" must be an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return out;
}

/** Reads the tunable fields of a mount's `config` (TTLs as seconds or durations). */
export function tuningFrom(raw: unknown): Partial<MountTuning> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new HushError('bad_request', '"config" must be an object');
  const c = raw as Record<string, unknown>;
  const out: { -readonly [K in keyof MountTuning]?: MountTuning[K] } = {};
  if (c.default_lease_ttl !== undefined && c.default_lease_ttl !== '') out.default_lease_ttl = parseDurationSeconds(c.default_lease_ttl as string | number);
  if (c.max_lease_ttl !== undefined && c.max_lease_ttl !== '') out.max_lease_ttl = parseDurationSeconds(c.max_lease_ttl as string | number);
  if (c.force_no_cache !== undefined) out.force_no_cache = c.force_no_cache === true || c.force_no_cache === 'true';
  for (const key of ['audit_non_hmac_request_keys', 'audit_non_hmac_response_keys', 'passthrough_request_headers', 'allowed_response_headers'] as const) {
    if (Array.isArray(c[key])) out[key] = (c[key] as unknown[]).map(String);
  }
  if (typeof c.listing_visibility === 'string') out.listing_visibility = c.listing_visibility;
  if (c.user_lockout_config !== undefined) out.user_lockout_config = lockoutConfigFrom(c.user_lockout_config);
  if (c.token_type !== undefined) out.token_type = parseMountTokenType(c.token_type);
  return out;
}

/** Refuses a `token_type` for what is not an auth mount that issues login tokens (Vault's rule:
 * secrets engines have none, and the token store decides for itself). */
export function checkTokenTypeTuning(tuning: Partial<MountTuning>, mount: { readonly auth: boolean; readonly type: string }): void {
  if (tuning.token_type === undefined) return;
  if (!mount.auth) throw new HushError('bad_request', "'token_type' can only be modified on auth mounts");
  if (mount.type === 'token') throw new HushError('bad_request', "'token_type' cannot be set for 'token' auth mounts");
}

/** Vault's `user_lockout_config` for auth mounts: durations accepted as seconds or strings. */
function lockoutConfigFrom(raw: unknown): Record<string, number | boolean> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new HushError('bad_request', '"user_lockout_config" must be an object');
  }
  const c = raw as Record<string, unknown>;
  const out: Record<string, number | boolean> = {};
  for (const key of ['lockout_threshold', 'address_lockout_threshold'] as const) {
    if (c[key] === undefined) continue;
    const n = Number(c[key]);
    if (!Number.isInteger(n) || n < 1) throw new HushError('bad_request', `"${key}" must be a positive integer`);
    out[key] = n;
  }
  for (const key of ['lockout_duration', 'lockout_counter_reset'] as const) {
    if (c[key] !== undefined) out[key] = parseDurationSeconds(c[key] as string | number, key);
  }
  if (c.disable_lockout !== undefined) out.disable_lockout = c.disable_lockout === true || c.disable_lockout === 'true';
  return out;
}
