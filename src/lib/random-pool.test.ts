import { describe, expect, it } from 'vitest';
import { fillRandom, randomBytesPooled } from './random-pool.js';

describe('random pool', () => {
  it('hands out fresh bytes of the asked length, never the same draw twice', () => {
    const seen = new Set<string>();
    // well past one 4 KiB pool, so refills happen
    for (let i = 0; i < 2000; i++) {
      const draw = randomBytesPooled(24);
      expect(draw).toHaveLength(24);
      seen.add(draw.toString('hex'));
    }
    expect(seen.size).toBe(2000);
  });

  it('fills a range of a buffer, and serves large draws straight from the CSPRNG', () => {
    const out = Buffer.alloc(40);
    fillRandom(out, 8, 12);
    expect(out.subarray(0, 8).every((b) => b === 0)).toBe(true);
    expect(out.subarray(20).every((b) => b === 0)).toBe(true);
    expect(out.subarray(8, 20).some((b) => b !== 0)).toBe(true);
    const big = randomBytesPooled(10_000);
    expect(big).toHaveLength(10_000);
    // a uniform source: every byte value appears among 10 000 draws
    expect(new Set(big).size).toBe(256);
  });
});
