import { describe, expect, it } from 'vitest';
import { MapStorage } from '../testing/map-storage.js';
import { newKeyMetadata } from './kv-v2-metadata.js';
import { KvV2Store, deleteVersionOp, putMetaOp, putVersionOp, versionKey } from './kv-v2-store.js';
import { DecodedCache } from './decoded-cache.js';

describe('KV v2 decoded entries', () => {
  it('keeps decoded data deeply frozen, found again only with the same created_time', () => {
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

  it('stays within its bound, dropping the least recently used first', () => {
    const cache = new DecodedCache(3 * 300); // three entries of 100 stored bytes (+200 each)
    for (const n of [1, 2, 3]) cache.add(`v/${n}`, 't', { n }, 100, cache.epoch());
    expect(cache.get('v/1', 't')).toEqual({ n: 1 }); // 1 is now the most recent
    cache.add('v/4', 't', { n: 4 }, 100, cache.epoch());
    expect(cache.get('v/2', 't')).toBeUndefined();
    expect([1, 3, 4].map((n) => cache.get(`v/${n}`, 't'))).toEqual([{ n: 1 }, { n: 3 }, { n: 4 }]);
    cache.add('v/huge', 't', { big: true }, 10_000, cache.epoch());
    expect(cache.get('v/huge', 't')).toBeUndefined();
    cache.clear();
    expect(cache.get('v/1', 't')).toBeUndefined();
  });

  it('shares metadata frozen for reading, and gives writers their own copy', async () => {
    const store = new KvV2Store(new MapStorage());
    await store.commit([putMetaOp('app', newKeyMetadata('2026-01-01T00:00:00Z'))]);
    const shared = await store.sharedMeta('app');
    expect(await store.sharedMeta('app')).toBe(shared);
    expect(Object.isFrozen(shared)).toBe(true);
    const mine = (await store.meta('app'))!;
    expect(Object.isFrozen(mine)).toBe(false);
    mine.custom_metadata = { owner: 'ops' };
    await store.commit([putMetaOp('app', mine)]);
    expect((await store.sharedMeta('app'))?.custom_metadata).toEqual({ owner: 'ops' });
  });

  it('a read racing a destroy does not leave the destroyed data behind', async () => {
    const storage = new MapStorage();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let hold = false;
    // the read takes the old bytes, then waits while the version is destroyed
    const view = Object.assign(Object.create(storage) as MapStorage, {
      get: async (key: string) => {
        const bytes = await storage.get(key);
        if (hold) await gate;
        return bytes;
      },
    });
    const store = new KvV2Store(view);
    await store.commit([putVersionOp('app', 1, { password: 'leaked-value' })]);
    hold = true;
    const reading = store.versionData('app', 1, 't1');
    await new Promise((r) => setImmediate(r));
    await store.commit([deleteVersionOp('app', 1)]);
    release();
    expect(await reading).toEqual({ password: 'leaked-value' }); // what it read before the destroy
    hold = false;
    expect(storage.entries.has(versionKey('app', 1))).toBe(false);
    expect(await store.versionData('app', 1, 't1')).toBeUndefined();
  });
});
