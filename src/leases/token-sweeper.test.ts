import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../auth/testing/fake-clock.js';
import { createMapStorage } from '../auth/testing/map-storage.js';
import { createTokenStore } from '../auth/token-store.js';
import { TokenSweeper } from './token-sweeper.js';

describe('TokenSweeper', () => {
  it('removes expired tokens on its own, and joins a sweep in progress when asked for one', async () => {
    const clock = createFakeClock();
    const store = createTokenStore({ storage: createMapStorage(), now: clock.now });
    const keep = await store.create({ ttl: 100 });
    for (let i = 0; i < 3; i++) await store.create({ ttl: 10 });
    clock.advance(11);
    const sweeper = new TokenSweeper(store, 20);
    try {
      await expect.poll(async () => (await store.storedIds()).length, { timeout: 5000, interval: 10 }).toBe(1);
      expect(await store.storedIds()).toEqual([keep.entry.hashedId]);
      await store.create({ ttl: 10 });
      clock.advance(11);
      const [a, b] = [sweeper.sweep(), sweeper.sweep()];
      expect(a).toBe(b);
      expect(await a).toBe(1);
    } finally {
      await sweeper.stop();
    }
  });

  it('does nothing more once stopped', async () => {
    const clock = createFakeClock();
    const store = createTokenStore({ storage: createMapStorage(), now: clock.now });
    const sweeper = new TokenSweeper(store, 20);
    await sweeper.stop();
    await store.create({ ttl: 10 });
    clock.advance(11);
    await new Promise((r) => setTimeout(r, 100));
    expect(await store.storedIds()).toHaveLength(1);
    expect(await sweeper.sweep()).toBe(0); // the stop signal cuts it short
  });
});
