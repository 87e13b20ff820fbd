import { describe, expect, it } from 'vitest';
import { DecodedCache } from './decoded-cache.js';

describe('decoded cache', () => {
  it('keeps decoded entries deeply frozen, found again only under the same stamp', () => {
    const cache = new DecodedCache();
    const data = cache.add('versions/a/1', 't1', { k: 'v', nested: { list: [1, { x: 'y' }] } }, 40, cache.epoch());
    expect(cache.get('versions/a/1', 't1')).toBe(data);
    expect(cache.get('versions/a/1', 't2')).toBeUndefined();
    expect(Object.isFrozen(data)).toBe(true);
    const nested = (data as Record<string, unknown>)['nested'] as { list: [number, { x: string }] };
    expect(Object.isFrozen(nested) && Object.isFrozen(nested.list) && Object.isFrozen(nested.list[1])).toBe(true);
    expect(() => {
      (data as Record<string, unknown>)['k'] = 'changed';
    }).toThrow(TypeError);
  });

  it('does not keep what a read returned when a forget happened while it ran', () => {
    const cache = new DecodedCache();
    const epoch = cache.epoch();
    cache.forget('versions/a/1');
    const data = cache.add('versions/a/1', 't1', { k: 'old' }, 10, epoch);
    expect(Object.isFrozen(data)).toBe(true);
    expect(cache.get('versions/a/1', 't1')).toBeUndefined();
  });

  it('stays within its bound, keeping an entry that is read while others come and go', () => {
    const cache = new DecodedCache(3 * 300); // three entries of 100 stored bytes (+200 each)
    for (const n of [1, 2, 3]) cache.add(`v/${n}`, 't', { n }, 100, cache.epoch());
    for (let n = 4; n <= 12; n++) {
      expect(cache.get('v/1', 't')).toEqual({ n: 1 }); // the hot entry, read between additions
      cache.add(`v/${n}`, 't', { n }, 100, cache.epoch());
      expect(cache.size).toBe(3);
    }
    expect(cache.get('v/1', 't')).toEqual({ n: 1 });
    expect(cache.get('v/12', 't')).toEqual({ n: 12 }); // the newest too
    cache.add('v/huge', 't', { big: true }, 10_000, cache.epoch());
    expect(cache.get('v/huge', 't')).toBeUndefined();
    cache.clear();
    expect(cache.get('v/1', 't')).toBeUndefined();
  });
});
