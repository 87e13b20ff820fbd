/**
 * @module The shape of token secrets and how they are kept. Service tokens are `hvs.` followed by
 * random base62 characters (Vault's prefix, so clients that sniff it keep working); batch tokens
 * are `hvb.` followed by base64url (made in `batch-token.ts`); accessors are random base62
 * strings. A token is never stored: storage keys use {@link hashToken}, and any
 * comparison of secret strings goes through {@link constantTimeEqual}.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** Largest multiple of 62 below 256: bytes at or above it are rejected to avoid modulo bias. */
const BASE62_LIMIT = 248;

/** Prefix of service tokens. */
export const SERVICE_TOKEN_PREFIX = 'hvs.';
/** Prefix of batch tokens (their body is an encrypted entry, see `batch-token.ts`). */
export const BATCH_TOKEN_PREFIX = 'hvb.';
/** Random characters after the prefix: 32 base62 characters ≈ 190 bits. */
export const TOKEN_RANDOM_LENGTH = 32;
/** Length of an accessor: 24 base62 characters ≈ 142 bits. */
export const ACCESSOR_LENGTH = 24;

/** `length` uniformly random base62 characters from the system CSPRNG. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(Math.max(16, (length - out.length) * 2))) {
      if (byte >= BASE62_LIMIT) continue;
      out += BASE62[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A new service token, e.g. `hvs.4bX…`. */
export function generateToken(): string {
  return SERVICE_TOKEN_PREFIX + randomBase62(TOKEN_RANDOM_LENGTH);
}

/** A new accessor: 24 random base62 characters. */
export function generateAccessor(): string {
  return randomBase62(ACCESSOR_LENGTH);
}

/**
 * The storage identity of a token (or accessor): hex HMAC-SHA256 under `key` when one is given,
 * otherwise hex SHA-256 with a domain-separation prefix. Tokens carry ≥142 random bits, so an
 * unkeyed hash cannot be reversed by guessing; a key additionally hides custom IDs such as the
 * dev root token's.
 */
export function hashToken(secret: string, key?: Uint8Array): string {
  if (key !== undefined && key.length > 0) return createHmac('sha256', key).update(secret, 'utf8').digest('hex');
  return createHash('sha256').update('hush-token:', 'utf8').update(secret, 'utf8').digest('hex');
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
