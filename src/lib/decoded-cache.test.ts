import { describe, expect, it } from 'vitest';
import { DecodedCache } from './decoded-cache.js';

/** What a store would read: `value` as JSON bytes, `size` bytes long when given. */
const stored = (value: unknown, size?: number) => async () => {
  const bytes = Buffer.from(JSON.stringify(value));
  return size === undefined ? bytes : Buffer.concat([bytes, Buffer.alloc(Math.max(0, size - bytes.length), 32)]);
};
const decode = (bytes: Uint8Array) => JSON.parse(Buffer.from(bytes).toString()) as Record<string, unknown>;

describe('decoded cache', () => {
  it('keeps decoded entries deeply frozen, found again only under the same stamp', async () => {
    const cache = new DecodedCache();
    const data = (await cache.read('versions/a/1', 't1', stored({ k: 'v', nested: { list: [1, { x: 'y' }] } }), decode))!;
    expect(cache.get('versions/a/1', 't1')).toBe(data);
    expect(cache.get('versions/a/1', 't2')).toBeUndefined();
    expect(Object.isFrozen(data)).toBe(true);
    const nested = (data as Record<string, unknown>)['nested'] as { list: [number, { x: string }] };
    expect(Object.isFrozen(nested) && Object.isFrozen(nested.list) && Object.isFrozen(nested.list[1])).toBe(true);
    expect(() => {
      (data as Record<string, unknown>)['k'] = 'changed';
    }).toThrow(TypeError);
  });

  it('does not keep what a read returned when a forget happened while it ran', async () => {
    const cache = new DecodedCache();
    const data = await cache.read('versions/a/1', 't1', async () => {
      const bytes = await stored({ k: 'old' })();
      cache.forget('versions/a/1'); // a write to it while the read was under way
      return bytes;
    }, decode);
    expect(Object.isFrozen(data)).toBe(true);
    expect(cache.get('versions/a/1', 't1')).toBeUndefined();
  });

  it('forgets what a write touches, before it starts and after it settles, failed or not', async () => {
    const cache = new DecodedCache();
    await cache.read('k', '', stored({ v: 1 }), decode);
    let during: unknown = 'unset';
    await cache.writing(['k'], async () => {
      during = cache.get('k', '');
      await cache.read('k', '', stored({ v: 'read while writing' }), decode); // would be stale after
    });
    expect(during).toBeUndefined();
    expect(cache.get('k', '')).toBeUndefined();
    await cache.read('k', '', stored({ v: 2 }), decode);
    await expect(cache.writing(['k'], () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(cache.get('k', '')).toBeUndefined();
  });

  it('keeps what a write stored, frozen, so that the next reader does not decode it again', async () => {
    const cache = new DecodedCache();
    const written = { current_version: 2, versions: { '2': { destroyed: false } } };
    let loads = 0;
    await cache.writing(['meta/a'], async () => {
      await cache.read('meta/a', '', async () => {
        loads++; // a read overlapping the write: it must not keep the old entry
        return stored({ current_version: 1 })();
      }, decode);
    });
    cache.keepWritten('meta/a', '', written, 40);
    const again = await cache.read('meta/a', '', async () => {
      loads++;
      return stored({ current_version: 1 })();
    }, decode);
    expect(again).toBe(written);
    expect(loads).toBe(1);
    expect(Object.isFrozen(written) && Object.isFrozen(written.versions['2'])).toBe(true);
  });

  it('stays within its bound, keeping an entry that is read while others come and go', async () => {
    const cache = new DecodedCache(3 * 300); // three entries of 100 stored bytes (+200 each)
    for (const n of [1, 2, 3]) await cache.read(`v/${n}`, 't', stored({ n }, 100), decode);
    for (let n = 4; n <= 12; n++) {
      expect(cache.get('v/1', 't')).toEqual({ n: 1 }); // the hot entry, read between additions
      await cache.read(`v/${n}`, 't', stored({ n }, 100), decode);
      expect(cache.size).toBe(3);
    }
    expect(cache.get('v/1', 't')).toEqual({ n: 1 });
    expect(cache.get('v/12', 't')).toEqual({ n: 12 }); // the newest too
    await cache.read('v/huge', 't', stored({ big: true }, 10_000), decode);
    expect(cache.get('v/huge', 't')).toBeUndefined();
    cache.clear();
    expect(cache.get('v/1', 't')).toBeUndefined();
  });
});
