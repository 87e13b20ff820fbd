import { describe, expect, it } from 'vitest';
import { MapStorage } from '../testing/map-storage.js';
import { newKeyMetadata } from './kv-v2-metadata.js';
import { KvV2Store, deleteVersionOp, putMetaOp, putVersionOp, versionKey } from './kv-v2-store.js';

describe('KV v2 store: shared entries', () => {
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
