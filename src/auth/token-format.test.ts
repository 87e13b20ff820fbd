import { describe, expect, it } from 'vitest';
import {
  ACCESSOR_LENGTH,
  constantTimeEqual,
  generateAccessor,
  generateToken,
  hashToken,
  looksLikeGeneratedToken,
  randomBase62,
} from './token-format.js';

describe('token format', () => {
  it('generates hvs. service tokens with 32 base62 characters', () => {
    const token = generateToken();
    expect(token).toMatch(/^hvs\.[0-9A-Za-z]{32}$/);
    expect(looksLikeGeneratedToken(token)).toBe(true);
  });

  it('recognises the batch token shape (hvb. + base64url)', () => {
    expect(looksLikeGeneratedToken(`hvb.${'Ab_-'.repeat(20)}`)).toBe(true);
    expect(looksLikeGeneratedToken('hvs.Ab_-Ab_-Ab_-Ab_-Ab_-Ab_-')).toBe(false);
  });

  it('generates distinct tokens and accessors', () => {
    const tokens = new Set(Array.from({ length: 500 }, () => generateToken()));
    expect(tokens.size).toBe(500);
    const accessor = generateAccessor();
    expect(accessor).toMatch(new RegExp(`^[0-9A-Za-z]{${ACCESSOR_LENGTH}}$`));
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
