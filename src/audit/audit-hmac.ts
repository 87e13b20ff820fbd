/**
 * @module HMAC of the sensitive fields of an audit entry, as Vault does it: every string value
 * (deep, in objects and arrays) of request and response data, and the tokens and accessors, is
 * replaced by `hmac-sha256:<hex>` computed with a per-device salt. Keys and non-string scalars
 * are kept. The salt (32 random bytes) lives in the storage the broker is given (a barrier view,
 * so it is encrypted at rest) and never leaves this module.
 */
import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import type { AuditEntry } from './audit-entry.js';

export const HMAC_PREFIX = 'hmac-sha256:';
const SALT_BYTES = 32;

/** Hashes one string with a device's salt. */
export type AuditHasher = (value: string) => string;

export interface HmacOptions {
  /** `log_raw=true`: write values unhashed. */
  readonly logRaw: boolean;
  /** `hmac_accessor=false`: write token accessors unhashed (tokens are still hashed). */
  readonly hmacAccessor: boolean;
}

/** A hasher keyed by `salt`: `hmac-sha256:` + hex HMAC-SHA256(salt, value). */
export function createAuditHasher(salt: Uint8Array): AuditHasher {
  const key = createSecretKey(Buffer.from(salt)); // imported once, not per hashed value
  return (value) => HMAC_PREFIX + createHmac('sha256', key).update(value, 'utf8').digest('hex');
}

/** Storage key of a device's salt (`path` as listed, e.g. `file/`). */
export function saltKey(path: string): string {
  return `salt/${path.replace(/\/+$/, '')}`;
}

/** A fresh random salt. */
export function newSalt(): Uint8Array {
  return new Uint8Array(randomBytes(SALT_BYTES));
}

/** Hashes every string in `value`, deeply; keys and non-string scalars are kept. */
export function hashDeep(value: unknown, hash: AuditHasher): unknown {
  if (typeof value === 'string') return hash(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return hash(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return value.map((v) => hashDeep(v, hash));
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return hashDeep(withJson.toJSON(), hash);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = hashDeep(v, hash);
  return out;
}

/**
 * Hashes the sensitive fields of an entry's blocks. One hasher serves every block of one request
 * (its request and response lines), so a token or accessor appearing in several places is hashed
 * once per request.
 */
export interface EntryHasher {
  /** The `auth` block (caller's token and accessor). */
  auth(block: Record<string, unknown> | undefined): Record<string, unknown> | undefined;
  /** The `request` block (token, accessor, data, headers). */
  request(block: Record<string, unknown>): Record<string, unknown>;
  /** The `response` block (data, auth, wrap info). */
  response(block: Record<string, unknown>): Record<string, unknown>;
}

/** An {@link EntryHasher} for one request, or `undefined` when `logRaw` keeps values as they are. */
export function createEntryHasher(keyedHash: AuditHasher, options: HmacOptions): EntryHasher | undefined {
  if (options.logRaw) return undefined;
  const memo = new Map<string, string>();
  const hash: AuditHasher = (v) => {
    let h = memo.get(v);
    if (h === undefined) memo.set(v, (h = keyedHash(v)));
    return h;
  };
  const str = (v: unknown): unknown => (typeof v === 'string' && v !== '' ? hash(v) : v);
  const acc = (v: unknown): unknown => (options.hmacAccessor ? str(v) : v);
  const tokenFields = (block: unknown): Record<string, unknown> | undefined => {
    if (block === undefined || block === null || typeof block !== 'object') return undefined;
    const b = { ...(block as Record<string, unknown>) };
    if ('client_token' in b) b['client_token'] = str(b['client_token']);
    if ('accessor' in b) b['accessor'] = acc(b['accessor']);
    return b;
  };
  return {
    auth: tokenFields,
    request(block) {
      const req = { ...block };
      if ('client_token' in req) req['client_token'] = str(req['client_token']);
      if ('client_token_accessor' in req) req['client_token_accessor'] = acc(req['client_token_accessor']);
      if ('data' in req) req['data'] = hashDeep(req['data'], hash);
      if ('headers' in req) req['headers'] = hashDeep(req['headers'], hash);
      return req;
    },
    response(block) {
      const res = { ...block };
      if ('data' in res) res['data'] = hashDeep(res['data'], hash);
      if ('auth' in res) res['auth'] = tokenFields(res['auth']);
      if (res['wrap_info'] && typeof res['wrap_info'] === 'object') {
        const w = { ...(res['wrap_info'] as Record<string, unknown>) };
        w['token'] = str(w['token']);
        if ('accessor' in w) w['accessor'] = acc(w['accessor']);
        if ('wrapped_accessor' in w) w['wrapped_accessor'] = acc(w['wrapped_accessor']);
        res['wrap_info'] = w;
      }
      return res;
    },
  };
}

/** A copy of `entry` with its sensitive fields hashed (or `entry` itself when `logRaw`). */
export function hashEntry(entry: AuditEntry, keyedHash: AuditHasher, options: HmacOptions): AuditEntry {
  const hasher = createEntryHasher(keyedHash, options);
  if (hasher === undefined) return entry;
  const out: AuditEntry = { ...entry, request: hasher.request(entry.request) };
  if (entry.auth) out.auth = hasher.auth(entry.auth);
  if (entry.response) out.response = hasher.response(entry.response);
  return out;
}
