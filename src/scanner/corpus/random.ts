/** @module Seeded random helpers for the synthetic corpus (never real credentials). */
import { BASE62_ALPHABET, base62, crc32 } from '../rules/codec.js';

export type Rng = () => number;

/** mulberry32: a small seeded PRNG (deterministic corpus). */
export function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CHARSETS: Record<string, string> = {
  A: BASE62_ALPHABET,
  a: 'abcdefghijklmnopqrstuvwxyz0123456789',
  U: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  h: '0123456789abcdef',
  H: '0123456789ABCDEF',
  d: '0123456789',
  l: 'abcdefghijklmnopqrstuvwxyz',
  L: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  u: `${BASE62_ALPHABET}_-`,
  b: `${BASE62_ALPHABET}+/`,
  '3': 'abcdefghijklmnopqrstuvwxyz234567',
  B: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
  D: 'abcdefghijklmnopqrstuvwxyz0123456789!@#%^&*(-_=+)',
  W: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  P: 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!@%^&*_=+.-',
};

export function pick(r: Rng, set: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += set[Math.floor(r() * set.length)];
  return out;
}

/** Expands `{X:n}` (charset X, n chars) and `{uuid}` in a template. */
export function fill(r: Rng, template: string): string {
  return template.replace(/\{(uuid|[A-Za-z0-9]):?(\d*)\}/g, (_m, set: string, n: string) => {
    if (set === 'uuid') return `${pick(r, CHARSETS['h']!, 8)}-${pick(r, CHARSETS['h']!, 4)}-4${pick(r, CHARSETS['h']!, 3)}-a${pick(r, CHARSETS['h']!, 3)}-${pick(r, CHARSETS['h']!, 12)}`;
    const chars = CHARSETS[set];
    if (chars === undefined) throw new Error(`unknown charset ${set}`);
    return pick(r, chars, Number(n));
  });
}

/** A GitHub/npm-style token: prefix + 30 base62 + base62 CRC32 of the 30. */
export function checksummed(r: Rng, prefix: string): string {
  const body = pick(r, BASE62_ALPHABET, 30);
  return prefix + body + base62(crc32(body), 6);
}

export function b64url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

export function b64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** A random base64 body of `bytes` bytes wrapped at 64 columns. */
export function pemBody(r: Rng, bytes: number): string[] {
  const buf = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) buf[i] = Math.floor(r() * 256);
  return buf.toString('base64').match(/.{1,64}/g) ?? [];
}
