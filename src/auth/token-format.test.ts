import { describe, expect, it } from 'vitest';
import {
  ACCESSOR_RANDOM_LENGTH,
  STAMP_LENGTH,
  constantTimeEqual,
  creationStamp,
  generateAccessor,
  generateToken,
  hashToken,
  looksLikeGeneratedToken,
  randomBase62,
  storageId,
} from './token-format.js';

const AT = Date.UTC(2026, 10, 23, 19, 0, 0);

describe('token format', () => {
  it('generates hvs. service tokens: the creation stamp, then 32 random base62 characters', () => {
    const token = generateToken(AT);
    expect(token).toMatch(/^hvs\.[0-9A-Za-z]{39}$/);
    expect(token.slice(4, 4 + STAMP_LENGTH)).toBe(creationStamp(AT));
    expect(looksLikeGeneratedToken(token)).toBe(true);
  });

  it('writes creation stamps as fixed-width base62 that sorts as the times do', () => {
    const times = [0, 1, 61, 62, AT - 1, AT, AT + 1, AT + 86_400_000, 62 ** STAMP_LENGTH - 1];
    const stamps = times.map(creationStamp);
    expect(stamps.every((s) => s.length === STAMP_LENGTH && /^[0-9A-Za-z]+$/.test(s))).toBe(true);
    expect([...stamps].sort()).toEqual(stamps);
    expect(creationStamp(0)).toBe('0000000');
    expect(creationStamp(61)).toBe('000000z');
    expect(creationStamp(-5)).toBe('0000000');
    expect(creationStamp(62 ** STAMP_LENGTH)).toBe('zzzzzzz');
  });

  it('gives stamped tokens and accessors a storage identity led by their stamp, others their plain hash', () => {
    const key = new Uint8Array([7, 7, 7]);
    const token = generateToken(AT);
    expect(storageId(token, 'token', key)).toBe(creationStamp(AT) + hashToken(token, key));
    const accessor = generateAccessor(AT);
    expect(storageId(accessor, 'accessor', key)).toBe(creationStamp(AT) + hashToken(`accessor:${accessor}`, key));
    // tokens made before the stamp (32 random characters), custom IDs and old accessors
    const older = `hvs.${randomBase62(32)}`;
    expect(storageId(older, 'token', key)).toBe(hashToken(older, key));
    expect(storageId('root', 'token', key)).toBe(hashToken('root', key));
    const olderAccessor = randomBase62(24);
    expect(storageId(olderAccessor, 'accessor', key)).toBe(hashToken(`accessor:${olderAccessor}`, key));
    // a token and an accessor with the same text never share an identity
    expect(storageId(accessor, 'token', key)).not.toBe(storageId(accessor, 'accessor', key));
  });

  it('recognises the batch token shape (hvb. + base64url)', () => {
    expect(looksLikeGeneratedToken(`hvb.${'Ab_-'.repeat(20)}`)).toBe(true);
    expect(looksLikeGeneratedToken('hvs.Ab_-Ab_-Ab_-Ab_-Ab_-Ab_-')).toBe(false);
  });

  it('generates distinct tokens and accessors', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => generateToken(AT)));
    expect(tokens.size).toBe(500);
    const accessor = generateAccessor(AT);
    expect(accessor).toMatch(new RegExp(`^[0-9A-Za-z]{${STAMP_LENGTH + ACCESSOR_RANDOM_LENGTH}}$`));
    expect(accessor.startsWith(creationStamp(AT))).toBe(true);
  });

  it('uses the whole base62 alphabet', () => {
    const chars = new Set(randomBase62(5000));
    expect(chars.size).toBe(62);
  });

  it('hashes deterministically to hex, keyed hashes differ', () => {
    const h = hashToken('hvs.abc');
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken('hvs.abc')).toBe(h);
    expect(hashToken('hvs.abd')).not.toBe(h);
    const keyed = hashToken('hvs.abc', new Uint8Array([1, 2, 3]));
    expect(keyed).toMatch(/^[0-9a-f]{64}$/);
    expect(keyed).not.toBe(h);
    expect(hashToken('hvs.abc', new Uint8Array([1, 2, 4]))).not.toBe(keyed);
  });

  it('compares secrets in constant time', () => {
    expect(constantTimeEqual('hvs.same', 'hvs.same')).toBe(true);
    expect(constantTimeEqual('hvs.same', 'hvs.samf')).toBe(false);
    expect(constantTimeEqual('short', 'longer one')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  it('recognises only generated token shapes', () => {
    expect(looksLikeGeneratedToken('root')).toBe(false);
    expect(looksLikeGeneratedToken('hvs.short')).toBe(false);
  });
});
