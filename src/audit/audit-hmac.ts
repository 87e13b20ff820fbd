/**
 * @module HMAC of the sensitive fields of an audit entry, as Vault does it: every string value
 * (deep, in objects and arrays) of request and response data, and the tokens and accessors, is
 * replaced by `hmac-sha256:<hex>` computed with a per-device salt. Keys and non-string scalars
 * are kept. The salt (32 random bytes) lives in the storage the broker is given (a barrier view,
 * so it is encrypted at rest) and never leaves this module.
 */
import { randomBytes } from 'node:crypto';
import { hmacSha256Hex } from '../lib/hmac-sha256.js';

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
  const hmac = hmacSha256Hex(salt);
  return (value) => HMAC_PREFIX + hmac(value);
}

/** Storage key of a device's salt (`path` as listed, e.g. `file/`). */
export function saltKey(path: string): string {
  return `salt/${path.replace(/\/+$/, '')}`;
}

/** A fresh random salt. */
export function newSalt(): Uint8Array {
  return new Uint8Array(randomBytes(SALT_BYTES));
}

/**
 * Hashes every string in `value`, deeply; keys and non-string scalars are kept, byte arrays are
 * hashed as base64. With `frozen` (one device's memo), the hashed copy of a deeply frozen object
 * is remembered by the object's identity: a KV version the engine shares between reads is
 * hashed once, not at every read. Only frozen objects qualify, since nothing can change them.
 */
export function hashDeep(value: unknown, hash: AuditHasher, frozen?: WeakMap<object, unknown>): unknown {
  if (typeof value === 'string') return hash(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return hash(Buffer.from(value).toString('base64'));
  if (frozen !== undefined && Object.isFrozen(value)) {
    const known = frozen.get(value);
    if (known !== undefined) return known;
    const hashed = hashObject(value, hash, frozen);
    if (isDeepFrozen(value)) frozen.set(value, Object.freeze(hashed));
    return hashed;
  }
  return hashObject(value, hash, frozen);
}

function hashObject(value: object, hash: AuditHasher, frozen: WeakMap<object, unknown> | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => hashDeep(v, hash, frozen));
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return hashDeep(withJson.toJSON(), hash, frozen);
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record)) out[key] = hashDeep(record[key], hash, frozen);
  return out;
}

function isDeepFrozen(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

/**
 * Hashes the sensitive fields of an entry's blocks and serialises them. One hasher serves every
 * block of one request (its request and response lines), so a token or accessor appearing in
 * several places is hashed once per request.
 */
export interface EntryHasher {
  /** JSON of the `auth` block (caller's token and accessor hashed). */
  auth(block: Record<string, unknown>): string;
  /** JSON of the `request` block (token, accessor, data and headers hashed). */
  request(block: Record<string, unknown>): string;
  /** JSON of the `response` block (data, auth tokens and wrap info hashed). */
  response(block: Record<string, unknown>): string;
}

/** Serialises blocks as they are (`log_raw=true`). */
const RAW_BLOCKS: EntryHasher = { auth: JSON.stringify, request: JSON.stringify, response: JSON.stringify };

/**
 * One device's memo of the frozen data engines share between requests (a KV version and its
 * metadata), by identity: the hashed copy ({@link hashDeep}), and that copy's JSON, so that
 * reading the same version again neither hashes nor serialises its data again.
 */
export class FrozenMemo {
  readonly hashed = new WeakMap<object, unknown>();
  readonly json = new WeakMap<object, string>();
}

/** The {@link EntryHasher} of one request (values kept as they are when `logRaw`); `frozen` is
 * the device's memo. */
export function createEntryHasher(keyedHash: AuditHasher, options: HmacOptions, frozen?: FrozenMemo): EntryHasher {
  return options.logRaw ? RAW_BLOCKS : new RequestHasher(keyedHash, options.hmacAccessor, frozen);
}

/** One object per request and device (it runs on every audited request: no closures to make). */
class RequestHasher implements EntryHasher {
  readonly #keyedHash: AuditHasher;
  readonly #hmacAccessor: boolean;
  readonly #frozen: FrozenMemo | undefined;
  /** Values hashed for this request (a token or accessor appears in several blocks). */
  #memo: Map<string, string> | undefined;
  readonly #hash: AuditHasher = (v) => {
    this.#memo ??= new Map();
    let h = this.#memo.get(v);
    if (h === undefined) this.#memo.set(v, (h = this.#keyedHash(v)));
    return h;
  };

  constructor(keyedHash: AuditHasher, hmacAccessor: boolean, frozen: FrozenMemo | undefined) {
    this.#keyedHash = keyedHash;
    this.#hmacAccessor = hmacAccessor;
    this.#frozen = frozen;
  }

  auth(block: Record<string, unknown>): string {
    return JSON.stringify(this.#tokenFields(block));
  }

  request(block: Record<string, unknown>): string {
    const out = { ...block };
    if ('client_token' in out) out['client_token'] = this.#str(out['client_token']);
    if ('client_token_accessor' in out) out['client_token_accessor'] = this.#acc(out['client_token_accessor']);
    if ('data' in out) out['data'] = this.#deep(out['data']);
    if ('headers' in out) out['headers'] = this.#deep(out['headers']);
    return JSON.stringify(out);
  }

  response(block: Record<string, unknown>): string {
    const out = { ...block };
    if ('auth' in out) out['auth'] = this.#tokenFields(out['auth']);
    if ('wrap_info' in out) out['wrap_info'] = this.#wrapInfo(out['wrap_info']);
    if (!('data' in out)) return JSON.stringify(out);
    const hashed = this.#deep(out['data']);
    // Shared data is the last member when nothing follows it (responseBlock's order): its
    // remembered JSON goes in as it is.
    const json = 'wrap_info' in out || 'warnings' in out ? undefined : this.#frozenJson(hashed);
    if (json === undefined) {
      out['data'] = hashed;
      return JSON.stringify(out);
    }
    const { data: _data, ...rest } = out;
    const head = JSON.stringify(rest);
    return head === '{}' ? `{"data":${json}}` : `${head.slice(0, -1)},"data":${json}}`;
  }

  /** The JSON of a hashed copy the memo keeps (of frozen data), made once; else undefined. */
  #frozenJson(hashed: unknown): string | undefined {
    if (this.#frozen === undefined || hashed === null || typeof hashed !== 'object' || !Object.isFrozen(hashed)) return undefined;
    let json = this.#frozen.json.get(hashed);
    if (json === undefined) this.#frozen.json.set(hashed, (json = JSON.stringify(hashed)));
    return json;
  }

  #str(v: unknown): unknown {
    return typeof v === 'string' && v !== '' ? this.#hash(v) : v;
  }

  #acc(v: unknown): unknown {
    return this.#hmacAccessor ? this.#str(v) : v;
  }

  #deep(v: unknown): unknown {
    return hashDeep(v, this.#hash, this.#frozen?.hashed);
  }

  #tokenFields(block: unknown): Record<string, unknown> | undefined {
    if (block === undefined || block === null || typeof block !== 'object') return undefined;
    const b = { ...(block as Record<string, unknown>) };
    if ('client_token' in b) b['client_token'] = this.#str(b['client_token']);
    if ('accessor' in b) b['accessor'] = this.#acc(b['accessor']);
    return b;
  }

  #wrapInfo(v: unknown): unknown {
    if (!v || typeof v !== 'object') return v;
    const w = { ...(v as Record<string, unknown>) };
    w['token'] = this.#str(w['token']);
    if ('accessor' in w) w['accessor'] = this.#acc(w['accessor']);
    if ('wrapped_accessor' in w) w['wrapped_accessor'] = this.#acc(w['wrapped_accessor']);
    return w;
  }
}
