import { describe, expect, it } from 'vitest';
import { createPlaintextCache } from './plaintext-cache.js';
import { createBarrier } from './barrier.js';
import { createMemoryBackend } from '../storage/memory/memory-backend.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | undefined) => (b === undefined ? undefined : new TextDecoder().decode(b));

describe('plaintext cache', () => {
  it('returns copies, so callers cannot change what is cached', () => {
    const cache = createPlaintextCache(1024);
    cache.fill('a', bytes('one'), cache.generation());
    const first = cache.get('a')!;
    first[0] = 0x78;
    expect(text(cache.get('a'))).toBe('one');
  });

  it('does not fill when a write started or ended during the read', () => {
    const cache = createPlaintextCache(1024);
    const before = cache.generation();
    cache.invalidate(['a']);
    cache.fill('a', bytes('stale'), before);
    expect(cache.get('a')).toBeUndefined();
  });

  it('evicts the least recently used entries beyond its size', () => {
    const cache = createPlaintextCache(10);
    cache.fill('a', bytes('aaaa'), cache.generation());
    cache.fill('b', bytes('bbbb'), cache.generation());
    expect(text(cache.get('a'))).toBe('aaaa'); // a is now the most recent
    cache.fill('c', bytes('cccc'), cache.generation());
    expect(cache.get('b')).toBeUndefined();
    expect(text(cache.get('a'))).toBe('aaaa');
    expect(text(cache.get('c'))).toBe('cccc');
  });

  it('with size 0 caches nothing', () => {
    const cache = createPlaintextCache(0);
    cache.fill('a', bytes('x'), cache.generation());
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('barrier with its cache', () => {
  async function unsealed() {
    const backend = createMemoryBackend();
    const barrier = createBarrier(backend);
    const { shares } = await barrier.initialize({ secretShares: 1, secretThreshold: 1 });
    await barrier.unseal(shares[0]!);
    return { backend, barrier };
  }

  it('serves a repeated read without the backend, and sees every later write and delete', async () => {
    const { backend, barrier } = await unsealed();
    await barrier.put('k', bytes('v1'));
    expect(text(await barrier.get('k'))).toBe('v1');
    let backendReads = 0;
    const realGet = backend.get.bind(backend);
    backend.get = (key: string) => {
      backendReads++;
      return realGet(key);
    };
    expect(text(await barrier.get('k'))).toBe('v1');
    expect(backendReads).toBe(0);
    await barrier.put('k', bytes('v2'));
    expect(text(await barrier.get('k'))).toBe('v2');
    await barrier.transaction([{ kind: 'put', key: 'k', value: bytes('v3') }]);
    expect(text(await barrier.get('k'))).toBe('v3');
    await barrier.delete('k');
    expect(await barrier.get('k')).toBeUndefined();
  });

  it('a read racing a write never leaves the old value cached', async () => {
    const { barrier } = await unsealed();
    await barrier.put('k', bytes('old'));
    const read = barrier.get('k');
    const write = barrier.put('k', bytes('new'));
    await Promise.all([read, write]);
    expect(text(await barrier.get('k'))).toBe('new');
  });

  it('forgets everything when sealed', async () => {
    const backend = createMemoryBackend();
    const barrier = createBarrier(backend);
    const { shares } = await barrier.initialize({ secretShares: 1, secretThreshold: 1 });
    await barrier.unseal(shares[0]!);
    await barrier.put('k', bytes('v'));
    await barrier.get('k');
    await barrier.seal();
    await expect(barrier.get('k')).rejects.toThrow(/sealed/);
    await barrier.unseal(shares[0]!);
    expect(text(await barrier.get('k'))).toBe('v');
  });
});
