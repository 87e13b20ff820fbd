import { describe, expect, it } from 'vitest';
import { createFakeClock } from '../auth/testing/fake-clock.js';
import { createMapStorage } from '../auth/testing/map-storage.js';
import { createTokenStore } from '../auth/token-store.js';
import { ExpirySweeper } from './expiry-sweeper.js';
import type { SweepTask } from './expiry-sweeper.js';

describe('ExpirySweeper', () => {
  it('removes expired tokens on its own, then runs the other tasks; a token sweep asked for joins the one in progress', async () => {
    const clock = createFakeClock();
    const store = createTokenStore({ storage: createMapStorage(), now: clock.now });
    const keep = await store.create({ ttl: 100 });
    for (let i = 0; i < 3; i++) await store.create({ ttl: 10 });
    clock.advance(11);
    let otherRuns = 0;
    const failing: SweepTask = () => Promise.reject(new Error('sealed meanwhile'));
    const counting: SweepTask = async () => ++otherRuns;
    const sweeper = new ExpirySweeper((signal) => store.tidy(signal), () => [failing, counting], 20);
    try {
      await expect.poll(async () => (await store.storedIds()).length, { timeout: 5000, interval: 10 }).toBe(1);
      expect(await store.storedIds()).toEqual([keep.entry.hashedId]);
      await expect.poll(() => otherRuns, { timeout: 5000, interval: 10 }).toBeGreaterThan(0); // past the failing task
      await store.create({ ttl: 10 });
      clock.advance(11);
      const [a, b] = [sweeper.sweepTokens(), sweeper.sweepTokens()];
      expect(a).toBe(b);
      expect(await a).toBeLessThanOrEqual(1); // the timer's round may have revoked it first
      expect(await store.storedIds()).toEqual([keep.entry.hashedId]);
    } finally {
      await sweeper.stop();
    }
  });

  it('does nothing more once stopped', async () => {
    const clock = createFakeClock();
    const store = createTokenStore({ storage: createMapStorage(), now: clock.now });
    let otherRuns = 0;
    const sweeper = new ExpirySweeper((signal) => store.tidy(signal), () => [async () => ++otherRuns], 20);
    await sweeper.stop();
    await store.create({ ttl: 10 });
    clock.advance(11);
    await new Promise((r) => setTimeout(r, 100));
    expect(await store.storedIds()).toHaveLength(1);
    expect(otherRuns).toBe(0);
    expect(await sweeper.sweepTokens()).toBe(0); // the stop signal cuts it short
  });
});
