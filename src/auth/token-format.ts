/**
 * @module The shape of token secrets and how they are kept. Service tokens are `hvs.` followed by
 * random base62 characters (Vault's prefix, so clients that sniff it keep working); batch tokens
 * are `hvb.` followed by base64url (made in `batch-token.ts`); accessors are random base62
 * strings. A token is never stored: storage keys use {@link storageId}, and any comparison of
 * secret strings goes through {@link constantTimeEqual}.
 *
 * Generated tokens and accessors begin with a creation stamp (the time in ms, fixed-width base62)
 * that their storage identity repeats, so that the keys of tokens made one after another sort
 * together: a burst of logins adds to the same few pages of the store instead of one random page
 * each (in the login bench, 15-22 % less server CPU per login and half the kernel time). The
 * stamp comes on top of the random part; it tells the token's creation time, as its entry does,
 * and so do the storage keys (whose values alone are encrypted).
 * Tokens and accessors from before the stamp (or with a custom ID) keep their plain hash.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { hmacSha256Hex } from '../lib/hmac-sha256.js';
import type { HmacSha256Hex } from '../lib/hmac-sha256.js';
import { randomBytesPooled } from '../lib/random-pool.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Largest multiple of 62 below 256: bytes at or above it are rejected to avoid modulo bias. */
const BASE62_LIMIT = 248;

/** Prefix of service tokens. */
export const SERVICE_TOKEN_PREFIX = 'hvs.';
/** Prefix of batch tokens (their body is an encrypted entry, see `batch-token.ts`). */
export const BATCH_TOKEN_PREFIX = 'hvb.';
/** Random characters after the prefix: 32 base62 characters ≈ 190 bits. */
export const TOKEN_RANDOM_LENGTH = 32;
/** Random characters of an accessor: 24 base62 characters ≈ 142 bits. */
export const ACCESSOR_RANDOM_LENGTH = 24;
/** Length of the creation stamp: 7 base62 digits of Unix ms last until the year 5138. */
export const STAMP_LENGTH = 7;
/** Characters in a generated service token (`hvs.`, stamp, random part). */
export const GENERATED_TOKEN_LENGTH = SERVICE_TOKEN_PREFIX.length + STAMP_LENGTH + TOKEN_RANDOM_LENGTH;
const STAMPED_TOKEN = new RegExp(`^hvs\\.[0-9A-Za-z]{${STAMP_LENGTH + TOKEN_RANDOM_LENGTH}}$`);
const STAMPED_ACCESSOR = new RegExp(`^[0-9A-Za-z]{${STAMP_LENGTH + ACCESSOR_RANDOM_LENGTH}}$`);

const BASE62_CODES = Buffer.from(BASE62, 'latin1');

/** `length` uniformly random base62 characters from the system CSPRNG. */
export function randomBase62(length: number): string {
  // Characters are collected as bytes and made a string once (not one string per character);
  // both buffers are wiped before returning, so no copy of the result is left behind in them.
  const chars = Buffer.alloc(length);
  let n = 0;
  while (n < length) {
    const random = randomBytesPooled(Math.max(16, (length - n) * 2));
    for (const byte of random) {
      if (byte >= BASE62_LIMIT) continue;
      chars[n++] = BASE62_CODES[byte % 62] as number;
      if (n === length) break;
    }
    random.fill(0);
  }
  const out = chars.toString('latin1');
  chars.fill(0);
  return out;
}

/** `unixMs` as {@link STAMP_LENGTH} base62 digits: fixed width, so the strings sort as the times. */
export function creationStamp(unixMs: number): string {
  let n = Math.min(Math.max(Math.floor(unixMs), 0), 62 ** STAMP_LENGTH - 1);
  let out = '';
  for (let i = 0; i < STAMP_LENGTH; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/** A new service token made at `unixMs`: `hvs.`, the creation stamp, 32 random base62 characters. */
export function generateToken(unixMs: number): string {
  return SERVICE_TOKEN_PREFIX + creationStamp(unixMs) + randomBase62(TOKEN_RANDOM_LENGTH);
}

/** A new accessor made at `unixMs`: the creation stamp and 24 random base62 characters. */
export function generateAccessor(unixMs: number): string {
  return creationStamp(unixMs) + randomBase62(ACCESSOR_RANDOM_LENGTH);
}

/**
 * The storage identity of a token (or accessor): hex HMAC-SHA256 under `key` when one is given,
 * otherwise hex SHA-256 with a domain-separation prefix. Tokens carry ≥142 random bits, so an
 * unkeyed hash cannot be reversed by guessing; a key additionally hides custom IDs such as the
 * dev root token's.
 */
export function hashToken(secret: string, key?: Uint8Array): string {
  if (key !== undefined && key.length > 0) return keyedHmac(key)(secret);
  return createHash('sha256').update('hush-token:', 'utf8').update(secret, 'utf8').digest('hex');
}

/** The HMAC of each key in use, made once (it keeps the key's padded blocks; see `hmac-sha256.ts`),
 * as long as the key's bytes are in use. */
const hmacsByKey = new WeakMap<Uint8Array, HmacSha256Hex>();

function keyedHmac(key: Uint8Array): HmacSha256Hex {
  let hmac = hmacsByKey.get(key);
  if (hmac === undefined) hmacsByKey.set(key, (hmac = hmacSha256Hex(key)));
  return hmac;
}

/**
 * The storage identity of a token or an accessor: {@link hashToken} under `key` (of an accessor
 * with an `accessor:` prefix, so that a token and an accessor never share one), preceded by the
 * creation stamp the value starts with when it was generated with one, so that identities sort
 * by creation time.
 */
export function storageId(value: string, kind: 'token' | 'accessor', key?: Uint8Array): string {
  if (kind === 'token') {
    const hashed = hashToken(value, key);
    const start = SERVICE_TOKEN_PREFIX.length;
    return STAMPED_TOKEN.test(value) ? value.slice(start, start + STAMP_LENGTH) + hashed : hashed;
  }
  const hashed = hashToken(`accessor:${value}`, key);
  return STAMPED_ACCESSOR.test(value) ? value.slice(0, STAMP_LENGTH) + hashed : hashed;
}

/** Compares two secret strings without leaking where they differ (lengths may leak). */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  if (left.length !== right.length) {
    // Still spend the time of a comparison so that a wrong length is not markedly faster.
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

/** Whether `value` looks like a token this server generated (prefix and alphabet only). */
export function looksLikeGeneratedToken(value: string): boolean {
  return /^hvs\.[0-9A-Za-z]{24,}$/.test(value) || /^hvb\.[0-9A-Za-z_-]{24,}$/.test(value);
}
