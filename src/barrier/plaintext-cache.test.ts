import { describe, expect, it } from 'vitest';
import { createPlaintextCache } from './plaintext-cache.js';
import { createBarrier } from './barrier.js';
import { createMemoryBackend } from '../storage/memory/memory-backend.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined) => (b === undefined || b === null ? undefined : new TextDecoder().decode(b));

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

  it('evicts the least recently used entries beyond its size, counting each entry\'s overhead', () => {
    // each entry costs 200 bytes of overhead + key + value: two of these fit, three do not
    const cache = createPlaintextCache(2 * (200 + 1 + 4));
    cache.fill('a', bytes('aaaa'), cache.generation());
    cache.fill('b', bytes('bbbb'), cache.generation());
    expect(text(cache.get('a'))).toBe('aaaa'); // a is now the most recent
    cache.fill('c', bytes('cccc'), cache.generation());
    expect(cache.get('b')).toBeUndefined();
    expect(text(cache.get('a'))).toBe('aaaa');
    expect(text(cache.get('c'))).toBe('cccc');
  });

  it('agrees with a simple LRU model over thousands of random operations', () => {
    const entrySize = 200 + 2 + 4; // overhead + two-character key + four-byte value
    const capacity = 7;
    const cache = createPlaintextCache(capacity * entrySize);
    const model: string[] = []; // keys, least recently used first
    const forget = (key: string) => {
      if (model.includes(key)) model.splice(model.indexOf(key), 1);
    };
    let seed = 42;
    const random = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let i = 0; i < 5000; i++) {
      const key = `k${random(12)}`;
      const op = random(3);
      if (op === 0) {
        cache.fill(key, bytes(key.padEnd(4, '_')), cache.generation());
        forget(key);
        model.push(key);
        if (model.length > capacity) model.shift();
      } else if (op === 1) {
        const hit = cache.get(key);
        const cached = model.includes(key);
        expect(hit === undefined ? undefined : text(hit)).toBe(cached ? key.padEnd(4, '_') : undefined);
        if (cached) {
          forget(key);
          model.push(key);
        }
      } else {
        cache.invalidate([key]);
        forget(key);
      }
    }
  });

  it('remembers that a key is absent, until a write', () => {
    const cache = createPlaintextCache(1024);
    cache.fill('a', null, cache.generation());
    expect(cache.get('a')).toBeNull();
    cache.invalidate(['a']);
    expect(cache.get('a')).toBeUndefined();
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
    return { backend, barrier, share: shares[0]! };
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

  function countingReads(backend: ReturnType<typeof createMemoryBackend>): { reads: () => number } {
    let n = 0;
    const realGet = backend.get.bind(backend);
    backend.get = (key: string) => {
      n++;
      return realGet(key);
    };
    return { reads: () => n };
  }

  it('a scan read uses what is cached but adds nothing, value or absence', async () => {
    const { backend, barrier } = await unsealed();
    await barrier.put('hot', bytes('h'));
    await barrier.put('cold', bytes('c'));
    expect(text(await barrier.get('hot'))).toBe('h'); // cached now
    const counted = countingReads(backend);
    expect(text(await barrier.get('hot', { scan: true }))).toBe('h');
    expect(counted.reads()).toBe(0);
    expect(text(await barrier.get('cold', { scan: true }))).toBe('c');
    expect(await barrier.get('missing', { scan: true })).toBeUndefined();
    expect(counted.reads()).toBe(2);
    // neither was kept: plain reads go to the backend, and then are kept
    expect(text(await barrier.get('cold'))).toBe('c');
    expect(await barrier.get('missing')).toBeUndefined();
    expect(counted.reads()).toBe(4);
    await barrier.get('cold');
    await barrier.get('missing');
    expect(counted.reads()).toBe(4);
  });

  it('a write updates what is cached for its keys, with a copy taken when the write was made', async () => {
    const { backend, barrier } = await unsealed();
    await barrier.put('k', bytes('old'));
    await barrier.put('gone', bytes('x'));
    expect(text(await barrier.get('k'))).toBe('old');
    expect(text(await barrier.get('gone'))).toBe('x');
    const counter = countingReads(backend);
    const value = bytes('written');
    const write = barrier.put('k', value);
    value.fill(0); // the caller wipes its buffer while the write is in flight
    await write;
    expect(text(await barrier.get('k'))).toBe('written');
    await barrier.transaction([
      { kind: 'put', key: 'gone', value: bytes('y') },
      { kind: 'delete', key: 'gone' },
    ]);
    expect(await barrier.get('gone')).toBeUndefined(); // the key's last operation decides
    expect(counter.reads()).toBe(0);
    expect(await backend.get('gone')).toBeUndefined();
  });

  it('a write does not cache keys nobody has read (a new token per login would fill memory)', async () => {
    const { backend, barrier } = await unsealed();
    await barrier.transaction([{ kind: 'put', key: 'new', value: bytes('N') }]);
    const counter = countingReads(backend);
    expect(text(await barrier.get('new'))).toBe('N');
    expect(text(await barrier.get('new'))).toBe('N');
    expect(counter.reads()).toBe(1);
  });

  it('remembers absent keys, and a later write replaces that', async () => {
    const { backend, barrier } = await unsealed();
    const counter = countingReads(backend);
    expect(await barrier.get('missing')).toBeUndefined();
    expect(await barrier.get('missing')).toBeUndefined();
    expect(counter.reads()).toBe(1);
    await barrier.put('missing', bytes('now here'));
    expect(text(await barrier.get('missing'))).toBe('now here');
  });

  it('after a failed write, reads go back to the backend', async () => {
    const { backend, barrier } = await unsealed();
    await barrier.put('k', bytes('kept'));
    const realTransaction = backend.transaction.bind(backend);
    backend.transaction = () => Promise.reject(new Error('disk full'));
    await expect(barrier.transaction([{ kind: 'put', key: 'k', value: bytes('lost') }])).rejects.toThrow();
    backend.transaction = realTransaction;
    const counter = countingReads(backend);
    expect(text(await barrier.get('k'))).toBe('kept');
    expect(counter.reads()).toBe(1);
  });

  it('concurrent writes to one key leave the cache holding what storage holds', async () => {
    const { backend, barrier, share } = await unsealed();
    await Promise.all(Array.from({ length: 20 }, (_, i) => barrier.put('k', bytes(`v${i}`))));
    const fresh = createBarrier(backend); // its own, empty cache: reads what storage holds
    await fresh.unseal(share);
    const stored = text(await fresh.get('k'));
    expect(stored).toBe('v19');
    expect(text(await barrier.get('k'))).toBe(stored);
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
