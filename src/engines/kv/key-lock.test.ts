import { describe, expect, it } from 'vitest';
import { KeyLock } from './key-lock.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

describe('KeyLock', () => {
  it('serialises holders of one key in arrival order', async () => {
    const lock = new KeyLock();
    const log: string[] = [];
    const job = (name: string) =>
      lock.run('k', async () => {
        log.push(`${name}+`);
        await tick();
        log.push(`${name}-`);
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    expect(log).toEqual(['a+', 'a-', 'b+', 'b-', 'c+', 'c-']);
    expect(lock.size).toBe(0);
  });

  it('lets different keys run concurrently', async () => {
    const lock = new KeyLock();
    const log: string[] = [];
    await Promise.all(
      ['x', 'y'].map((k) =>
        lock.run(k, async () => {
          log.push(`${k}+`);
          await tick();
          log.push(`${k}-`);
        }),
      ),
    );
    expect(log.slice(0, 2).sort()).toEqual(['x+', 'y+']);
  });

  it('releases the key when the holder throws', async () => {
    const lock = new KeyLock();
    await expect(lock.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(lock.run('k', async () => 7)).resolves.toBe(7);
    expect(lock.size).toBe(0);
  });
});
