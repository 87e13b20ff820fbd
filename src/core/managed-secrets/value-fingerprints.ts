/**
 * @module Keyed fingerprints of a secret value and of the forms it takes when pasted into code:
 * HMAC-SHA256 under a key made fresh for each request, so a caller can recognise a value it
 * meets in a file without the server ever sending the value, and two responses cannot be
 * correlated with each other (or with an audit log, whose HMAC uses another key).
 */
import { randomBytes } from 'node:crypto';
import { hmacSha256Hex } from '../../lib/hmac-sha256.js';
import type { HmacSha256Hex } from '../../lib/hmac-sha256.js';

/** How a value appears in scanned text; the scanner reports it as the finding's `encoding`. */
export type ValueEncoding = 'plain' | 'base64' | 'base64-unpadded' | 'base64url' | 'url' | 'json';

export interface ValueForm {
  readonly encoding: ValueEncoding;
  /** Length in UTF-16 code units (what the scanner measures candidates in). */
  readonly length: number;
  /** Hex HMAC-SHA256 of the form's UTF-8 bytes. */
  readonly hmac: string;
}

/** Shorter values are not fingerprinted: hashes of short values are cheap to guess, and short
 * values match far too many unrelated words in code. */
export const MIN_VALUE_LENGTH = 8;

/** One request's HMAC key. The raw bytes go to the caller (it hashes candidates with them);
 * they are never stored. */
export class FingerprintKey {
  readonly #hmac: HmacSha256Hex;
  readonly encoded: string;

  constructor() {
    const raw = randomBytes(32);
    this.#hmac = hmacSha256Hex(raw);
    this.encoded = raw.toString('base64');
    raw.fill(0);
  }

  hmac(text: string): string {
    return this.#hmac(text);
  }
}

/** The distinct textual forms of `value`: as is, base64 (padded, unpadded, URL-safe),
 * percent-encoded (`encodeURIComponent`) and JSON-string-escaped. */
export function valueForms(value: string): { encoding: ValueEncoding; text: string }[] {
  const bytes = Buffer.from(value, 'utf8');
  const b64 = bytes.toString('base64');
  const candidates: { encoding: ValueEncoding; text: string }[] = [
    { encoding: 'plain', text: value },
    { encoding: 'base64', text: b64 },
    { encoding: 'base64-unpadded', text: b64.replace(/=+$/, '') },
    { encoding: 'base64url', text: bytes.toString('base64url') },
    { encoding: 'url', text: encodeURIComponent(value) },
    { encoding: 'json', text: JSON.stringify(value).slice(1, -1) },
  ];
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.text) && seen.add(c.text));
}

/** Fingerprints of every form of `value`, or undefined when it is too short to fingerprint. */
export function fingerprintValue(key: FingerprintKey, value: string, minLength = MIN_VALUE_LENGTH): ValueForm[] | undefined {
  if (value.length < minLength) return undefined;
  return valueForms(value).map((f) => ({ encoding: f.encoding, length: f.text.length, hmac: key.hmac(f.text) }));
}
