/**
 * @module Shamir's secret sharing over GF(2^8) (the AES field, polynomial x^8+x^4+x^3+x+1).
 * Each byte of the secret is the constant term of its own random polynomial of degree
 * `threshold - 1`; a share holds that polynomial's value at one x for every byte, followed by
 * the x coordinate itself (1…255) as the last byte — the layout Vault's unseal keys use.
 */
import { randomBytes } from 'node:crypto';
import { HushError } from '../lib/errors.js';

/** exp[i] = 3^i and log[3^i] = i in GF(256); 3 generates the multiplicative group. */
const EXP = new Uint8Array(510);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i += 1) {
    EXP[i] = x;
    LOG[x] = i;
    x ^= xtime(x); // x * 3 = x * 2 + x
  }
  for (let i = 255; i < 510; i += 1) EXP[i] = EXP[i - 255] ?? 0;
}

function xtime(x: number): number {
  return ((x << 1) ^ (x & 0x80 ? 0x1b : 0)) & 0xff;
}

/** Multiplication in GF(256). */
export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[(LOG[a] ?? 0) + (LOG[b] ?? 0)] ?? 0;
}

/** Multiplicative inverse in GF(256); `a` must not be 0. */
export function gfInverse(a: number): number {
  if (a === 0) throw new RangeError('0 has no inverse in GF(256)');
  return EXP[255 - (LOG[a] ?? 0)] ?? 0;
}

export interface SplitOptions {
  /** Source of randomness; tests pass a fixed one to pin vectors. Defaults to crypto.randomBytes. */
  readonly random?: (length: number) => Uint8Array;
}

/**
 * Splits `secret` into `shares` shares (1…255), any `threshold` (1…shares) of which recombine to
 * it with {@link combineShares} and fewer of which say nothing about it. Share `i` has x = i + 1
 * and is `secret.length + 1` bytes long.
 */
export function splitSecret(secret: Uint8Array, shares: number, threshold: number, options: SplitOptions = {}): Uint8Array[] {
  if (!(secret instanceof Uint8Array) || secret.length === 0) throw new HushError('bad_request', 'cannot split an empty secret');
  if (!Number.isInteger(shares) || shares < 1 || shares > 255) throw new HushError('bad_request', 'shares must be between 1 and 255');
  if (!Number.isInteger(threshold) || threshold < 1 || threshold > shares) {
    throw new HushError('bad_request', 'threshold must be between 1 and the number of shares');
  }
  const random = options.random ?? ((n: number) => randomBytes(n));
  const out = Array.from({ length: shares }, (_, i) => {
    const share = new Uint8Array(secret.length + 1);
    share[secret.length] = i + 1;
    return share;
  });
  const coefficients = new Uint8Array(threshold);
  for (let byte = 0; byte < secret.length; byte += 1) {
    coefficients[0] = secret[byte] ?? 0;
    if (threshold > 1) coefficients.set(random(threshold - 1).subarray(0, threshold - 1), 1);
    for (const share of out) share[byte] = evaluate(coefficients, share[secret.length] ?? 0);
  }
  coefficients.fill(0);
  return out;
}

/**
 * Recombines shares made by {@link splitSecret}. With at least the threshold number of shares it
 * returns the secret; with fewer it returns unrelated bytes (no error: the caller checks the
 * result, e.g. by decrypting with it). Throws `bad_request` for no shares, shares of different
 * lengths, an x coordinate of 0, or two shares with the same x coordinate.
 */
export function combineShares(shares: readonly Uint8Array[]): Uint8Array {
  if (shares.length === 0) throw new HushError('bad_request', 'no shares to combine');
  const length = shares[0]?.length ?? 0;
  if (length < 2) throw new HushError('bad_request', 'share is too short');
  const xs: number[] = [];
  for (const share of shares) {
    if (!(share instanceof Uint8Array) || share.length !== length) throw new HushError('bad_request', 'shares differ in length');
    const x = share[length - 1] ?? 0;
    if (x === 0) throw new HushError('bad_request', 'share has an invalid x coordinate');
    if (xs.includes(x)) throw new HushError('bad_request', 'duplicate share');
    xs.push(x);
  }
  // Lagrange basis at 0: l_i = prod_{j != i} x_j / (x_j - x_i); subtraction is xor.
  const basis = xs.map((xi, i) => {
    let num = 1;
    let den = 1;
    xs.forEach((xj, j) => {
      if (j === i) return;
      num = gfMul(num, xj);
      den = gfMul(den, xj ^ xi);
    });
    return gfMul(num, gfInverse(den));
  });
  const secret = new Uint8Array(length - 1);
  for (let byte = 0; byte < secret.length; byte += 1) {
    let acc = 0;
    shares.forEach((share, i) => {
      acc ^= gfMul(share[byte] ?? 0, basis[i] ?? 0);
    });
    secret[byte] = acc;
  }
  return secret;
}

/** Horner's rule: coefficients[0] + coefficients[1]·x + … in GF(256). */
function evaluate(coefficients: Uint8Array, x: number): number {
  let acc = 0;
  for (let i = coefficients.length - 1; i >= 0; i -= 1) acc = gfMul(acc, x) ^ (coefficients[i] ?? 0);
  return acc;
}
