/**
 * @module Batch tokens: the token IS its entry. `hvb.` + base64url of
 * `salt (16) | AES-256-GCM box (nonce 12 | ciphertext | tag 16)` over a compact JSON form of the
 * entry, under a one-use key derived from the batch-token key and the salt, with a fixed AAD.
 * Nothing is stored when one is issued and nothing is read to check one (except its parent, for
 * non-orphans, which the token store does).
 *
 * Why a derived key per token: batch tokens are meant for very high login rates, and random
 * 96-bit GCM nonces under one key should stay below 2^32 messages; a GCM nonce collision would
 * let the holder of two colliding tokens forge new ones. With a fresh 128-bit salt per token the
 * nonce never meets the same key twice in practice, at the cost of one HMAC per operation.
 *
 * The blob is kept short: single-letter field names, times in seconds, optional fields omitted,
 * the parent's hex hash carried as base64url bytes.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { randomBytesPooled } from '../lib/random-pool.js';
import { AES_KEY_BYTES, openAesGcm, sealAesGcm } from '../barrier/aes-gcm.js';
import { BATCH_TOKEN_PREFIX, STAMP_LENGTH } from './token-format.js';

/** Binds every blob to its purpose, so no other AES-GCM box of ours can pass for a token. */
const AAD = new TextEncoder().encode('hush-batch-token-v1');
const KDF_LABEL = 'hush-batch-token-key-v1';
const SALT_BYTES = 16;
/** Longer tokens are refused before any decoding (headers are capped anyway; this bounds work). */
const MAX_TOKEN_LENGTH = 16 * 1024;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const HEX = /^(?:[0-9a-f]{2})+$/;
/** A hashed ID led by a creation stamp (`token-format.ts`): the stamp, then the hex hash. */
const STAMPED_HEX = new RegExp(`^([0-9A-Za-z]{${STAMP_LENGTH}})((?:[0-9a-f]{2})+)$`);

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** What a batch token carries: every field its {@link TokenEntry} needs. */
export interface BatchTokenClaims {
  readonly policies: readonly string[];
  /** Unix seconds. */
  readonly creationTime: number;
  /** Seconds from `creationTime`; always > 0 (batch tokens cannot be revoked, so must expire). */
  readonly ttl: number;
  readonly metadata: Readonly<Record<string, string>>;
  readonly displayName: string;
  readonly path: string;
  /** The parent token's hashed ID (hex, or a creation stamp and hex); absent for orphans. */
  readonly parentHashedId?: string;
  readonly entityId: string;
  readonly boundCidrs: readonly string[];
  /** Accessor of the auth mount that issued the token; absent when not a login's. */
  readonly mountAccessor?: string;
}

/** The serialised form. Short names keep the token short; absent means empty. */
interface Wire {
  p: string[];
  c: number;
  t: number;
  m?: Record<string, string>;
  d?: string;
  a?: string;
  r?: string;
  e?: string;
  b?: string[];
  x?: string;
}

/** The one-use key of a token: HMAC-SHA256 of a label and the salt under the (uniformly random)
 * batch-token key, a PRF, so HKDF's extract step adds nothing (and `hkdfSync` costs 5x more). */
function deriveKey(key: Uint8Array, salt: Uint8Array): Uint8Array {
  return createHmac('sha256', key).update(KDF_LABEL).update(salt).digest();
}

/** A new random 256-bit batch-token key. */
export function generateBatchTokenKey(): Uint8Array {
  return new Uint8Array(randomBytes(AES_KEY_BYTES));
}

/** Seals `claims` into an `hvb.` token under `key` (32 bytes). */
export function encodeBatchToken(key: Uint8Array, claims: BatchTokenClaims): string {
  const wire: Wire = { p: [...claims.policies], c: claims.creationTime, t: claims.ttl };
  if (Object.keys(claims.metadata).length > 0) wire.m = { ...claims.metadata };
  if (claims.displayName !== '') wire.d = claims.displayName;
  if (claims.path !== '') wire.a = claims.path;
  if (claims.parentHashedId !== undefined) wire.r = packHashedId(claims.parentHashedId);
  if (claims.entityId !== '') wire.e = claims.entityId;
  if (claims.boundCidrs.length > 0) wire.b = [...claims.boundCidrs];
  if (claims.mountAccessor !== undefined) wire.x = claims.mountAccessor;
  const salt = randomBytesPooled(SALT_BYTES);
  const box = sealAesGcm(deriveKey(key, salt), encoder.encode(JSON.stringify(wire)), AAD);
  return BATCH_TOKEN_PREFIX + Buffer.concat([salt, box]).toString('base64url');
}

/**
 * The claims of a token made by {@link encodeBatchToken} under `key`, or undefined for anything
 * else: another prefix, bad encoding, another key, an altered byte, an unexpected shape. Never
 * throws on input, and never says which check failed.
 */
export function decodeBatchToken(key: Uint8Array, token: string): BatchTokenClaims | undefined {
  if (!token.startsWith(BATCH_TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) return undefined;
  const body = token.slice(BATCH_TOKEN_PREFIX.length);
  if (!BASE64URL.test(body)) return undefined;
  const bytes = Buffer.from(body, 'base64url');
  if (bytes.length <= SALT_BYTES) return undefined;
  let plain: Uint8Array;
  try {
    plain = openAesGcm(deriveKey(key, bytes.subarray(0, SALT_BYTES)), bytes.subarray(SALT_BYTES), AAD);
  } catch {
    return undefined;
  }
  let wire: unknown;
  try {
    wire = JSON.parse(decoder.decode(plain));
  } catch {
    return undefined;
  }
  return claimsOf(wire);
}

/** A hashed ID in the token: its hex as base64url, after its creation stamp and a `.` (which
 * base64url never holds) when it has one. */
function packHashedId(hashedId: string): string {
  if (HEX.test(hashedId)) return Buffer.from(hashedId, 'hex').toString('base64url');
  const stamped = STAMPED_HEX.exec(hashedId);
  if (!stamped) throw new Error('batch token parent must be a hashed token ID');
  return `${stamped[1]}.${Buffer.from(stamped[2] as string, 'hex').toString('base64url')}`;
}

function unpackHashedId(packed: string): string {
  const dot = packed.indexOf('.');
  const hex = (b64: string) => Buffer.from(b64, 'base64url').toString('hex');
  return dot === -1 ? hex(packed) : packed.slice(0, dot) + hex(packed.slice(dot + 1));
}

const isStringList = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
const optionalString = (v: unknown): v is string | undefined => v === undefined || typeof v === 'string';

/** Checks the decrypted shape field by field; an authentic blob of another version is refused. */
function claimsOf(value: unknown): BatchTokenClaims | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const w = value as Record<string, unknown>;
  const { p, c, t, m, d, a, r, e, b, x } = w;
  if (!isStringList(p) || !Number.isSafeInteger(c) || !Number.isSafeInteger(t) || (t as number) <= 0) return undefined;
  if (!optionalString(d) || !optionalString(a) || !optionalString(r) || !optionalString(e) || !optionalString(x)) return undefined;
  if (b !== undefined && !isStringList(b)) return undefined;
  const metadata = Object.create(null) as Record<string, string>;
  if (m !== undefined) {
    if (typeof m !== 'object' || m === null || Array.isArray(m)) return undefined;
    for (const [k, v] of Object.entries(m)) {
      if (typeof v !== 'string') return undefined;
      metadata[k] = v;
    }
  }
  return {
    policies: p,
    creationTime: c as number,
    ttl: t as number,
    metadata,
    displayName: d ?? '',
    path: a ?? '',
    ...(r !== undefined ? { parentHashedId: unpackHashedId(r) } : {}),
    entityId: e ?? '',
    boundCidrs: b ?? [],
    ...(x !== undefined ? { mountAccessor: x } : {}),
  };
}
