import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { readBool, readDuration, readInt, readString, readStringList, readStringMap } from './token-fields.js';

function badRequestOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(isHushError(err, 'bad_request')).toBe(true);
    return (err as Error).message;
  }
  throw new Error('expected a bad_request');
}

describe('token request fields', () => {
  it('reads strings', () => {
    expect(readString({}, 'a')).toBe('');
    expect(readString({ a: 'x' }, 'a')).toBe('x');
    expect(readString({ a: 3 }, 'a')).toBe('3');
    expect(badRequestOf(() => readString({ a: {} }, 'a'))).toContain('a must be a string');
  });

  it('reads booleans in their JSON and string forms', () => {
    expect(readBool({}, 'b')).toBe(false);
    expect(readBool({}, 'b', true)).toBe(true);
    expect(readBool({ b: true }, 'b')).toBe(true);
    expect(readBool({ b: 'true' }, 'b')).toBe(true);
    expect(readBool({ b: '0' }, 'b', true)).toBe(false);
    expect(readBool({ b: 1 }, 'b')).toBe(true);
    expect(badRequestOf(() => readBool({ b: 'yes' }, 'b'))).toContain('b must be a boolean');
  });

  it('reads integers', () => {
    expect(readInt({}, 'n')).toBe(0);
    expect(readInt({ n: 4 }, 'n')).toBe(4);
    expect(readInt({ n: ' -2 ' }, 'n')).toBe(-2);
    expect(badRequestOf(() => readInt({ n: 1.5 }, 'n'))).toContain('n must be an integer');
    expect(badRequestOf(() => readInt({ n: 'x' }, 'n'))).toContain('integer');
  });

  it('reads string lists from arrays and comma-separated strings', () => {
    expect(readStringList({}, 'p')).toEqual([]);
    expect(readStringList({ p: 'a, b,,c' }, 'p')).toEqual(['a', 'b', 'c']);
    expect(readStringList({ p: ['a', ' b '] }, 'p')).toEqual(['a', 'b']);
    expect(badRequestOf(() => readStringList({ p: [1] }, 'p'))).toContain('list of strings');
  });

  it('reads string maps without prototype tricks', () => {
    expect(readStringMap({}, 'm')).toEqual({});
    const map = readStringMap(JSON.parse('{"m":{"__proto__":"x","k":"v"}}') as Record<string, unknown>, 'm');
    expect(map.k).toBe('v');
    expect(Object.getPrototypeOf(map)).toBeNull();
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(badRequestOf(() => readStringMap({ m: ['a'] }, 'm'))).toContain('map of strings');
    expect(badRequestOf(() => readStringMap({ m: { k: 1 } }, 'm'))).toContain('map of strings');
  });

  it('reads durations as seconds or Go durations, naming the field on error', () => {
    expect(readDuration({}, 'ttl')).toBe(0);
    expect(readDuration({ ttl: '' }, 'ttl')).toBe(0);
    expect(readDuration({ ttl: 90 }, 'ttl')).toBe(90);
    expect(readDuration({ ttl: '90' }, 'ttl')).toBe(90);
    expect(readDuration({ ttl: '1h30m' }, 'ttl')).toBe(5400);
    expect(readDuration({ ttl: '768h' }, 'ttl')).toBe(2764800);
    expect(badRequestOf(() => readDuration({ ttl: '-1' }, 'ttl'))).toContain('invalid ttl');
    expect(badRequestOf(() => readDuration({ ttl: 'soon' }, 'ttl'))).toContain('invalid ttl');
    expect(badRequestOf(() => readDuration({ ttl: true }, 'ttl'))).toContain('ttl');
  });
});
