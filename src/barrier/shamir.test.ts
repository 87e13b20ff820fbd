import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { combineShares, gfInverse, gfMul, splitSecret } from './shamir.js';

const fixed = (values: number[]) => {
  let at = 0;
  return (n: number) => Uint8Array.from({ length: n }, () => values[at++ % values.length] ?? 0);
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** Every k-element subset of [0, n). */
function* subsets(n: number, k: number, start = 0, chosen: number[] = []): Generator<number[]> {
  if (chosen.length === k) {
    yield chosen;
    return;
  }
  for (let i = start; i < n; i += 1) yield* subsets(n, k, i + 1, [...chosen, i]);
}

describe('GF(256) arithmetic', () => {
  it('matches the FIPS-197 examples', () => {
    expect(gfMul(0x57, 0x83)).toBe(0xc1);
    expect(gfMul(0x57, 0x13)).toBe(0xfe);
    expect(gfMul(0x53, 0xca)).toBe(0x01);
    expect(gfInverse(0x53)).toBe(0xca);
    expect(gfInverse(0x01)).toBe(0x01);
  });

  it('has an inverse for every non-zero element and agrees with shift-and-add', () => {
    const slow = (a: number, b: number): number => {
      let p = 0;
      for (let i = 0; i < 8; i += 1) {
        if (b & 1) p ^= a;
        const hi = a & 0x80;
        a = (a << 1) & 0xff;
        if (hi) a ^= 0x1b;
        b >>= 1;
      }
      return p;
    };
    for (let a = 0; a < 256; a += 1) {
      if (a > 0) expect(gfMul(a, gfInverse(a))).toBe(1);
      for (let b = 0; b < 256; b += 7) expect(gfMul(a, b)).toBe(slow(a, b));
    }
    expect(() => gfInverse(0)).toThrow();
  });
});

describe('Shamir secret sharing', () => {
  it('produces the pinned vector for threshold 2', () => {
    const shares = splitSecret(Uint8Array.of(0x42), 3, 2, { random: fixed([0x05]) });
    expect(shares.map(hex)).toEqual(['4701', '4802', '4d03']);
    expect(hex(combineShares([Uint8Array.of(0x48, 2), Uint8Array.of(0x4d, 3)]))).toBe('42');
  });

  it('produces the pinned vector for threshold 3', () => {
    const shares = splitSecret(Uint8Array.of(0x01), 3, 3, { random: fixed([0x02, 0x03]) });
    expect(shares.map(hex)).toEqual(['0001', '0902', '0803']);
    expect(hex(combineShares([Uint8Array.of(0x08, 3), Uint8Array.of(0x00, 1), Uint8Array.of(0x09, 2)]))).toBe('01');
  });

  it('recombines from every threshold-sized subset, in any order, and not from fewer', () => {
    const secret = randomBytes(32);
    const shares = splitSecret(secret, 6, 3);
    expect(shares.every((s) => s.length === 33)).toBe(true);
    for (const subset of subsets(6, 3)) {
      const picked = subset.map((i) => shares[i] as Uint8Array);
      expect(hex(combineShares(picked))).toBe(hex(secret));
      expect(hex(combineShares(picked.reverse()))).toBe(hex(secret));
    }
    for (const subset of subsets(6, 4)) expect(hex(combineShares(subset.map((i) => shares[i] as Uint8Array)))).toBe(hex(secret));
    for (const subset of subsets(6, 2)) expect(hex(combineShares(subset.map((i) => shares[i] as Uint8Array)))).not.toBe(hex(secret));
    for (const share of shares) expect(hex(combineShares([share]))).not.toBe(hex(secret));
  });

  it('works with one share and threshold one', () => {
    const secret = randomBytes(32);
    const [only] = splitSecret(secret, 1, 1);
    expect(hex(combineShares([only as Uint8Array]))).toBe(hex(secret));
    const many = splitSecret(secret, 5, 1);
    for (const share of many) expect(hex(combineShares([share]))).toBe(hex(secret));
  });

  it('handles 255 shares', () => {
    const secret = randomBytes(16);
    const shares = splitSecret(secret, 255, 255);
    expect(new Set(shares.map((s) => s[16])).size).toBe(255);
    expect(hex(combineShares(shares))).toBe(hex(secret));
    const fewer = splitSecret(secret, 255, 10);
    expect(hex(combineShares(fewer.slice(200, 210)))).toBe(hex(secret));
  });

  it('rejects duplicate, malformed and mismatched shares', () => {
    const shares = splitSecret(randomBytes(32), 5, 3);
    const [a, b] = shares as [Uint8Array, Uint8Array];
    const isBad = (fn: () => unknown) => {
      try {
        fn();
      } catch (err) {
        return isHushError(err, 'bad_request');
      }
      return false;
    };
    expect(isBad(() => combineShares([a, a, b]))).toBe(true);
    expect(isBad(() => combineShares([a, b.subarray(1)]))).toBe(true);
    expect(isBad(() => combineShares([]))).toBe(true);
    expect(isBad(() => combineShares([Uint8Array.of(1, 0)]))).toBe(true);
    expect(isBad(() => combineShares([Uint8Array.of(1)]))).toBe(true);
  });

  it('validates split parameters', () => {
    const secret = randomBytes(4);
    expect(() => splitSecret(secret, 0, 0)).toThrow();
    expect(() => splitSecret(secret, 256, 2)).toThrow();
    expect(() => splitSecret(secret, 3, 4)).toThrow();
    expect(() => splitSecret(secret, 3, 0)).toThrow();
    expect(() => splitSecret(new Uint8Array(0), 3, 2)).toThrow();
    expect(() => splitSecret(secret, 2.5, 2)).toThrow();
  });
});
