/**
 * A server builds its state (mounts, tokens, policies) after the last unseal share and when it
 * takes over as the active server; requests that arrive meanwhile wait for it instead of failing
 * as if sealed, and `sys/health` answers a server taking over as a standby (429). The lock is a
 * stand-in here (the real one, PostgreSQL's, is exercised by `test/api/postgres-ha.test.ts`,
 * where this race made a write right after a take-over fail with 503 now and then); the slow
 * storage too (a memory backend whose reads of anything but the barrier's own keys wait).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildCore } from '../main.js';
import type { ServerConfig } from '../config/server-config.js';
import { BARRIER_KEYS } from '../barrier/barrier.js';
import { createMemoryBackend } from '../storage/memory/memory-backend.js';
import type { HighAvailability, StorageBackend } from '../storage/storage.js';
import type { CoreRequest } from './request.js';

/** A lock this test hands over when it wants, with an advertisement it lets finish when it wants. */
function standInLock() {
  let active = false;
  const listeners: (() => void)[] = [];
  let finishAdvertising = (): void => undefined;
  const ha: HighAvailability = {
    isActive: () => active,
    whenActive: (listener) => (active ? listener() : void listeners.push(listener)),
    onLost: () => undefined,
    advertise: () => new Promise<void>((resolve) => (finishAdvertising = resolve)),
    activeAddress: async () => 'http://127.0.0.1:1',
    stepDown: async () => undefined,
  };
  return {
    ha,
    take() {
      active = true;
      for (const listener of listeners.splice(0)) listener();
    },
    finishAdvertising: () => finishAdvertising(),
  };
}

const request = (path: string, token?: string): CoreRequest => ({
  id: randomUUID(),
  operation: 'read',
  path,
  data: {},
  query: {},
  clientToken: token,
  remoteAddress: '127.0.0.1',
  headers: {},
});

const config = { storage: { type: 'memory' }, listen: { host: '127.0.0.1', port: 0 }, maxRequestBytes: 1 << 20, clusterName: 'x' } as ServerConfig;

describe('building the state after the last unseal share', () => {
  it('holds requests that arrive while it is built', async () => {
    const memory = createMemoryBackend();
    let slow = false;
    const barrierKeys = new Set<string>(Object.values(BARRIER_KEYS));
    const backend: StorageBackend = {
      ...memory,
      get: async (key) => {
        if (slow && !barrierKeys.has(key)) await new Promise((resolve) => setTimeout(resolve, 30));
        return memory.get(key);
      },
    };
    const core = buildCore(config, backend);
    const { shares, rootToken } = await core.initialize({ secretShares: 1, secretThreshold: 1 });
    slow = true;
    const unsealing = core.submitUnsealShare(shares[0] as Uint8Array);
    while (core.barrier.isSealed()) await new Promise((resolve) => setImmediate(resolve));
    // the barrier is open, the state is still being read
    const res = await core.handle(request('auth/token/lookup-self', rootToken));
    expect(res.status ?? 200).toBe(200);
    expect(res.data?.policies).toEqual(['root']);
    await unsealing;
  });
});

describe('taking over as the active server', () => {
  it('answers as a standby and holds requests until its state is built', async () => {
    const lock = standInLock();
    const backend: StorageBackend = { ...createMemoryBackend(), ha: lock.ha };
    const core = buildCore(config, backend);
    const { shares, rootToken } = await core.initialize({ secretShares: 1, secretThreshold: 1 });
    await core.submitUnsealShare(shares[0] as Uint8Array);
    await core.announceAddress('http://127.0.0.1:2'); // a standby advertises nothing yet
    expect((await core.handle(request('sys/health'))).status).toBe(429); // an unsealed standby

    lock.take(); // the lock is ours: the take-over starts, and waits on the advertisement
    expect(core.isActive()).toBe(false);
    expect((await core.handle(request('sys/health'))).status).toBe(429);
    let answered = false;
    const lookup = core.handle(request('auth/token/lookup-self', rootToken)).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false); // held, not refused as sealed

    lock.finishAdvertising();
    const res = await lookup;
    expect(res.status ?? 200).toBe(200);
    expect(res.data?.policies).toEqual(['root']);
    expect(core.isActive()).toBe(true);
    expect((await core.handle(request('sys/health'))).status).toBe(200);
  });
});
