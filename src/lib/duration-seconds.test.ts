import { describe, expect, it } from 'vitest';
import { parseDurationSeconds } from './duration.js';
import { isHushError } from '../lib/errors.js';

describe('parseDurationSeconds', () => {
  it.each([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['768h', 768 * 3600],
    ['0', 0],
    ['0s', 0],
    ['300', 300],
    ['7d', 7 * 86_400],
    ['1.5h', 5400],
    ['1500ms', 1],
    [' 10m ', 600],
    ['2h0m0s', 7200],
  ])('%s → %d', (input, seconds) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });

  it('accepts numbers as seconds', () => {
    expect(parseDurationSeconds(45)).toBe(45);
    expect(parseDurationSeconds(2.9)).toBe(2);
  });

  it.each(['', 'abc', '5x', '-5m', 'h', '1h 30m', '5m!', '1e3', '-1'])(
    'rejects %j with bad_request',
    (input) => {
      let caught: unknown;
      try {
        parseDurationSeconds(input);
      } catch (err) {
        caught = err;
      }
      expect(isHushError(caught, 'bad_request')).toBe(true);
    },
  );

  it('rejects negative, non-finite and absurd numbers', () => {
    for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1e12]) {
      expect(() => parseDurationSeconds(n)).toThrow(/invalid duration/);
    }
    expect(() => parseDurationSeconds('99999999999h')).toThrow(/invalid duration/);
  });
});
