import { describe, expect, it } from 'vitest';
import { createBarrier } from '../barrier/barrier.js';
import { createMemoryBackend } from '../storage/memory/memory-backend.js';
import { Rekey } from './rekey.js';

describe('rekey', () => {
  it('answers the new shares even when its listener fails, and the barrier unseals with them', async () => {
    const barrier = createBarrier(createMemoryBackend(), {});
    const { shares } = await barrier.initialize({ secretShares: 1, secretThreshold: 1 });
    await barrier.unseal(shares[0] as Uint8Array);
    let told = 0;
    const rekey = new Rekey(barrier, () => {
      told++;
      throw new Error('the listener could not keep the shares');
    });
    const started = await rekey.start({ shares: 3, threshold: 2 });
    const result = await rekey.update(shares[0] as Uint8Array, started.nonce);
    expect(told).toBe(1);
    expect(result).toMatchObject({ complete: true });
    const keys = (result as { keys: string[] }).keys;
    expect(keys).toHaveLength(3);
    await barrier.seal();
    await barrier.unseal(Buffer.from(keys[0] as string, 'hex'));
    await barrier.unseal(Buffer.from(keys[2] as string, 'hex'));
    expect(barrier.isSealed()).toBe(false);
  });
});
