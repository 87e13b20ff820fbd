import { describe, expect, it } from 'vitest';
import { createKeyedLock } from './keyed-lock.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 1));

describe('keyed lock', () => {
  it('serialises callbacks of one key and forgets idle keys', async () => {
    const lock = createKeyedLock();
    const events: string[] = [];
    const job = (name: string) =>
      lock.run('k', async () => {
        events.push(`${name}:start`);
        await tick();
        events.push(`${name}:end`);
        return name;
      });
    expect(await Promise.all([job('a'), job('b'), job('c')])).toEqual(['a', 'b', 'c']);
    expect(events).toEqual(['a:start', 'a:end', 'b:start', 'b:end', 'c:start', 'c:end']);
    expect(lock.size).toBe(0);
  });

  it('runs different keys concurrently', async () => {
    const lock = createKeyedLock();
    const events: string[] = [];
    await Promise.all(
      ['x', 'y'].map((key) =>
        lock.run(key, async () => {
          events.push(`${key}:start`);
          await tick();
          events.push(`${key}:end`);
        }),
      ),
    );
    expect(events.slice(0, 2).sort()).toEqual(['x:start', 'y:start']);
  });

  it('releases the key when a callback throws', async () => {
    const lock = createKeyedLock();
    await expect(lock.run('k', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('k', async () => 'after')).toBe('after');
    expect(lock.size).toBe(0);
  });
});
