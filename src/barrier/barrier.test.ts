import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { createMemoryBackend } from '../storage/memory/memory-backend.js';
import type { StorageBackend } from '../storage/storage.js';
import { describeStorage } from '../storage/storage-conformance.js';
import { createSqliteBackend } from '../storage/sqlite/sqlite-backend.js';
import type { Barrier } from './barrier.js';
import { BARRIER_KEYS, createBarrier } from './barrier.js';

const root = mkdtempSync(join(tmpdir(), 'hush-barrier-test-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;
const freshPath = (): string => join(root, `case-${(counter += 1)}`, 'hush.db');

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : new TextDecoder().decode(value);
const rejectsWith = (code: Parameters<typeof isHushError>[1], check: (message: string) => boolean = () => true) =>
  (err: unknown): boolean => isHushError(err, code) && check((err as Error).message);

/** `cacheBytes: 0` for tests that change stored bytes behind the barrier's back. */
async function unsealedBarrier(
  backend: StorageBackend = createMemoryBackend(),
  cacheBytes?: number,
): Promise<{ barrier: Barrier; shares: Uint8Array[] }> {
  const barrier = createBarrier(backend, cacheBytes === undefined ? {} : { cacheBytes });
  const { shares } = await barrier.initialize({ secretShares: 1, secretThreshold: 1 });
  await barrier.unseal(shares[0] as Uint8Array);
  return { barrier, shares };
}

/** The barrier as a backend for the conformance suite; closing it closes the backend below. */
async function barrierBackend(backend: StorageBackend): Promise<StorageBackend> {
  const { barrier } = await unsealedBarrier(backend);
  return {
    kind: 'barrier',
    get: (key) => barrier.get(key),
    put: (key, value) => barrier.put(key, value),
    delete: (key) => barrier.delete(key),
    list: (prefix) => barrier.list(prefix),
    transaction: (ops) => barrier.transaction(ops),
    close: () => backend.close(),
  };
}

describeStorage('barrier over memory', () => barrierBackend(createMemoryBackend()));
describeStorage('barrier over sqlite', () => barrierBackend(createSqliteBackend({ path: freshPath() })));

describe('barrier', () => {
  it('starts uninitialised and sealed, and initialise leaves it sealed', async () => {
    const backend = createMemoryBackend();
    const barrier = createBarrier(backend);
    expect(await barrier.isInitialized()).toBe(false);
    expect(await barrier.sealConfig()).toBeUndefined();
    expect(await barrier.unsealProgress()).toEqual({ sealed: true, t: 0, n: 0, progress: 0, nonce: '' });
    await expect(barrier.unseal(new Uint8Array(33))).rejects.toSatisfy(rejectsWith('not_initialized'));

    const { shares } = await barrier.initialize({ secretShares: 5, secretThreshold: 3 });
    expect(shares.length).toBe(5);
    expect(shares.every((s) => s.length === 33)).toBe(true);
    expect(await barrier.isInitialized()).toBe(true);
    expect(barrier.isSealed()).toBe(true);
    expect(await barrier.sealConfig()).toEqual({ secret_shares: 5, secret_threshold: 3 });
    expect(JSON.parse(text(await backend.get(BARRIER_KEYS.sealConfig)) ?? '')).toEqual({ secret_shares: 5, secret_threshold: 3 });
    await expect(barrier.initialize({ secretShares: 1, secretThreshold: 1 })).rejects.toSatisfy(
      rejectsWith('bad_request', (m) => m === 'Vault is already initialized'),
    );
  });

  it('validates the seal configuration', async () => {
    const barrier = createBarrier(createMemoryBackend());
    for (const [n, t] of [[0, 0], [3, 4], [256, 2], [3, 1], [2.5, 2], [3, 0]] as const) {
      await expect(barrier.initialize({ secretShares: n, secretThreshold: t })).rejects.toSatisfy(rejectsWith('bad_request'));
    }
    expect(await barrier.isInitialized()).toBe(false);
  });

  it('refuses every storage operation while sealed with Vault\'s message', async () => {
    const barrier = createBarrier(createMemoryBackend());
    const sealed = rejectsWith('sealed', (m) => m === 'Vault is sealed');
    await expect(barrier.get('a')).rejects.toSatisfy(sealed);
    await expect(barrier.put('a', bytes('x'))).rejects.toSatisfy(sealed);
    await expect(barrier.delete('a')).rejects.toSatisfy(sealed);
    await expect(barrier.list('')).rejects.toSatisfy(sealed);
    await expect(barrier.transaction([])).rejects.toSatisfy(sealed);
    expect(() => barrier.keyStatus()).toThrow('Vault is sealed');
    await expect(barrier.rotate()).rejects.toSatisfy(sealed);
  });

  it('unseals with 3 of 5 shares, ignoring a repeated share, and seals again', async () => {
    const barrier = createBarrier(createMemoryBackend());
    const { shares } = await barrier.initialize({ secretShares: 5, secretThreshold: 3 });
    const [a, b, , d] = shares as [Uint8Array, Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const first = await barrier.unseal(d);
    expect(first).toMatchObject({ sealed: true, t: 3, n: 5, progress: 1 });
    expect(first.nonce).toMatch(/^[0-9a-f-]{36}$/);
    expect((await barrier.unseal(d)).progress).toBe(1);
    const second = await barrier.unseal(a);
    expect(second).toMatchObject({ sealed: true, progress: 2, nonce: first.nonce });
    expect(await barrier.unseal(b)).toEqual({ sealed: false, t: 3, n: 5, progress: 0, nonce: '' });
    expect(barrier.isSealed()).toBe(false);

    await barrier.put('app/db', bytes('hunter2'));
    expect(text(await barrier.get('app/db'))).toBe('hunter2');
    await barrier.seal();
    expect(barrier.isSealed()).toBe(true);
    await expect(barrier.get('app/db')).rejects.toSatisfy(rejectsWith('sealed'));
    await barrier.unseal(shares[4] as Uint8Array);
    await barrier.unseal(shares[2] as Uint8Array);
    await barrier.unseal(shares[0] as Uint8Array);
    expect(text(await barrier.get('app/db'))).toBe('hunter2');
  });

  it('rekeys: a quorum of the old shares makes new ones; the old ones no longer unseal, the data stays', async () => {
    const barrier = createBarrier(createMemoryBackend());
    const { shares } = await barrier.initialize({ secretShares: 3, secretThreshold: 2 });
    await barrier.unseal(shares[0] as Uint8Array);
    await barrier.unseal(shares[1] as Uint8Array);
    await barrier.put('app/db', bytes('hunter2'));
    expect(await barrier.opensWith([shares[2] as Uint8Array, shares[0] as Uint8Array])).toBe(true);
    expect(await barrier.opensWith([shares[2] as Uint8Array])).toBe(false);

    await expect(barrier.rekey([shares[0] as Uint8Array], { secretShares: 5, secretThreshold: 3 })).rejects.toSatisfy(
      rejectsWith('bad_request', (m) => m.includes('do not open this vault')),
    );
    await expect(barrier.rekey(shares.slice(0, 2), { secretShares: 2, secretThreshold: 3 })).rejects.toSatisfy(rejectsWith('bad_request'));
    const rekeyed = await barrier.rekey(shares.slice(1, 3), { secretShares: 5, secretThreshold: 3 });
    expect(rekeyed.shares).toHaveLength(5);
    expect(await barrier.sealConfig()).toEqual({ secret_shares: 5, secret_threshold: 3 });
    expect(text(await barrier.get('app/db'))).toBe('hunter2'); // still unsealed, same keyring

    await barrier.seal();
    await barrier.unseal(shares[0] as Uint8Array);
    await barrier.unseal(shares[1] as Uint8Array);
    await expect(barrier.unseal(shares[2] as Uint8Array)).rejects.toSatisfy(rejectsWith('bad_request'));
    for (const share of rekeyed.shares.slice(2)) await barrier.unseal(share);
    expect(barrier.isSealed()).toBe(false);
    expect(text(await barrier.get('app/db'))).toBe('hunter2');
  });

  it('prepares a rekey without storing it, checks the new shares given back, and commits it', async () => {
    const barrier = createBarrier(createMemoryBackend());
    const { shares } = await barrier.initialize({ secretShares: 2, secretThreshold: 2 });
    for (const share of shares) await barrier.unseal(share);
    await expect(barrier.prepareRekey([shares[0] as Uint8Array], { secretShares: 3, secretThreshold: 2 })).rejects.toSatisfy(rejectsWith('bad_request'));
    const pending = await barrier.prepareRekey(shares, { secretShares: 3, secretThreshold: 2 });
    const fresh = pending.shares.map((share) => Uint8Array.from(share));
    expect(fresh).toHaveLength(3);
    expect(await barrier.sealConfig()).toEqual({ secret_shares: 2, secret_threshold: 2 }); // nothing stored
    expect(await barrier.opensWith(shares)).toBe(true);
    expect(pending.matches([fresh[0] as Uint8Array, fresh[2] as Uint8Array])).toBe(true);
    expect(pending.matches([fresh[0] as Uint8Array])).toBe(false); // below the new threshold
    expect(pending.matches([fresh[0] as Uint8Array, shares[0] as Uint8Array])).toBe(false);
    await pending.commit();
    pending.wipe();
    expect(await barrier.sealConfig()).toEqual({ secret_shares: 3, secret_threshold: 2 });
    expect(await barrier.opensWith(shares)).toBe(false);
    expect(await barrier.opensWith([fresh[1] as Uint8Array, fresh[2] as Uint8Array])).toBe(true);
  });

  it('shows the new shares to an init companion first; a failing one leaves the storage uninitialised', async () => {
    const barrier = createBarrier(createMemoryBackend());
    const failing = async (): Promise<never> => {
      throw new Error('cannot encrypt');
    };
    await expect(barrier.initialize({ secretShares: 2, secretThreshold: 2 }, failing)).rejects.toThrow('cannot encrypt');
    expect(await barrier.isInitialized()).toBe(false);
    let seen: string[] = [];
    const { shares } = await barrier.initialize({ secretShares: 2, secretThreshold: 2 }, async (fresh) => {
      seen = fresh.map((share) => Buffer.from(share).toString('hex'));
      return [];
    });
    expect(shares.map((share) => Buffer.from(share).toString('hex'))).toEqual(seen);
    expect(await barrier.isInitialized()).toBe(true);
  });

  it("stores what a rekey's companion makes of the new shares in its transaction, encrypted; a failing one stores nothing", async () => {
    const backend = createMemoryBackend();
    const barrier = createBarrier(backend);
    const { shares } = await barrier.initialize({ secretShares: 1, secretThreshold: 1 });
    await barrier.unseal(shares[0] as Uint8Array);
    await barrier.put('core/copies', bytes('before'));
    expect(text(await barrier.get('core/copies'))).toBe('before'); // now cached

    await expect(
      barrier.rekey(shares, { secretShares: 2, secretThreshold: 2 }, async () => {
        throw new Error('cannot encrypt');
      }),
    ).rejects.toThrow('cannot encrypt');
    expect(await barrier.sealConfig()).toEqual({ secret_shares: 1, secret_threshold: 1 });
    expect(await barrier.opensWith(shares)).toBe(true); // the old share still opens it

    let seen: string[] = [];
    const rekeyed = await barrier.rekey(shares, { secretShares: 2, secretThreshold: 2 }, async (fresh) => {
      seen = fresh.map((s) => Buffer.from(s).toString('hex'));
      return [{ key: 'core/copies', value: bytes(`copies of ${seen.length} shares`) }];
    });
    expect(rekeyed.shares.map((s) => Buffer.from(s).toString('hex'))).toEqual(seen);
    expect(text(await barrier.get('core/copies'))).toBe('copies of 2 shares'); // not the cached 'before'
    expect(text(await backend.get('core/copies'))).not.toContain('copies of'); // encrypted at rest
    expect(await barrier.opensWith(shares)).toBe(false);
    expect(await barrier.opensWith(rekeyed.shares)).toBe(true);
  });

  it('refuses to write a key longer than 2048 bytes (no backend could index it), and still reads and deletes one', async () => {
    const backend = createMemoryBackend();
    const { barrier } = await unsealedBarrier(backend, 0);
    const tooLong = `kv/${'é'.repeat(1023)}`; // 2049 bytes in UTF-8, 1026 characters
    const longest = `kv/${'a'.repeat(2045)}`;
    await expect(barrier.put(tooLong, bytes('v'))).rejects.toSatisfy(rejectsWith('bad_request', (m) => m.includes('at most 2048 bytes')));
    await expect(
      barrier.transaction([{ kind: 'put', key: 'kv/short', value: bytes('v') }, { kind: 'put', key: tooLong, value: bytes('v') }]),
    ).rejects.toSatisfy(rejectsWith('bad_request'));
    expect(await barrier.get('kv/short')).toBeUndefined(); // nothing of the refused transaction
    await barrier.put(longest, bytes('v'));
    expect(text(await barrier.get(longest))).toBe('v');
    // reading and deleting such a key are not refused: one stored before the limit stays reachable
    expect(await barrier.get(tooLong)).toBeUndefined();
    await backend.put(tooLong, bytes('stored earlier'));
    await barrier.delete(tooLong);
    expect(await backend.get(tooLong)).toBeUndefined();
  });

  it('answers a clear bad_request for a wrong share and resets progress', async () => {
    const barrier = createBarrier(createMemoryBackend());
    const { shares } = await barrier.initialize({ secretShares: 5, secretThreshold: 3 });
    const other = await createBarrier(createMemoryBackend()).initialize({ secretShares: 5, secretThreshold: 3 });
    await barrier.unseal(shares[0] as Uint8Array);
    await barrier.unseal(shares[1] as Uint8Array);
    await expect(barrier.unseal(other.shares[2] as Uint8Array)).rejects.toSatisfy(
      rejectsWith('bad_request', (m) => /unseal/.test(m) && /reset/.test(m)),
    );
    expect(await barrier.unsealProgress()).toMatchObject({ sealed: true, progress: 0, nonce: '' });

    const corrupted = Uint8Array.from(shares[2] as Uint8Array);
    corrupted[0] = (corrupted[0] ?? 0) ^ 0xff;
    await barrier.unseal(shares[0] as Uint8Array);
    await barrier.unseal(shares[1] as Uint8Array);
    await expect(barrier.unseal(corrupted)).rejects.toSatisfy(rejectsWith('bad_request'));
    await expect(barrier.unseal(new Uint8Array(5))).rejects.toSatisfy(rejectsWith('bad_request'));

    await barrier.unseal(shares[3] as Uint8Array);
    barrier.resetUnseal();
    expect((await barrier.unsealProgress()).progress).toBe(0);
    for (const share of shares.slice(2)) await barrier.unseal(share);
    expect(barrier.isSealed()).toBe(false);
  });

  it('refuses shares with the same x coordinate as a wrong combination', async () => {
    const barrier = createBarrier(createMemoryBackend());
    const { shares } = await barrier.initialize({ secretShares: 3, secretThreshold: 2 });
    const sameX = Uint8Array.from(shares[0] as Uint8Array);
    sameX[0] = (sameX[0] ?? 0) ^ 1;
    await barrier.unseal(shares[0] as Uint8Array);
    await expect(barrier.unseal(sameX)).rejects.toSatisfy(rejectsWith('bad_request'));
    expect((await barrier.unsealProgress()).progress).toBe(0);
  });

  it('stores only ciphertext, in the documented format, bound to its key', async () => {
    const backend = createMemoryBackend();
    const { barrier } = await unsealedBarrier(backend, 0);
    await barrier.put('a/one', bytes('first secret'));
    await barrier.put('a/two', bytes('second secret'));
    const raw = (await backend.get('a/one')) as Uint8Array;
    expect(raw[0]).toBe(1);
    expect(Buffer.from(raw).readUInt32BE(1)).toBe(1);
    expect(raw.length).toBe(5 + 12 + 'first secret'.length + 16);
    expect(Buffer.from(raw).includes(Buffer.from('first secret'))).toBe(false);

    await backend.put('a/two', raw);
    await expect(barrier.get('a/two')).rejects.toSatisfy(
      rejectsWith('internal', (m) => !m.includes('a/two') && !m.includes('a/one')),
    );
  });

  it('detects tampering anywhere in a stored value', async () => {
    const backend = createMemoryBackend();
    const { barrier } = await unsealedBarrier(backend, 0);
    await barrier.put('t', bytes('tamper me'));
    const raw = (await backend.get('t')) as Uint8Array;
    for (const at of [0, 2, 4, 5, 16, 17, raw.length - 1]) {
      const altered = Uint8Array.from(raw);
      altered[at] = (altered[at] ?? 0) ^ 0x01;
      await backend.put('t', altered);
      await expect(barrier.get('t')).rejects.toSatisfy(rejectsWith('internal'));
    }
    await backend.put('t', raw.subarray(0, 10));
    await expect(barrier.get('t')).rejects.toSatisfy(rejectsWith('internal'));
    await backend.put('t', raw);
    expect(text(await barrier.get('t'))).toBe('tamper me');
  });

  it('rotates: new writes use the new term, old values stay readable, across a restart', async () => {
    const backend = createMemoryBackend();
    const { barrier, shares } = await unsealedBarrier(backend);
    await barrier.put('old', bytes('written in term 1'));
    await barrier.put('old2', bytes('also term 1'));
    expect(barrier.keyStatus()).toMatchObject({ term: 1, encryptions: 2 });
    const status = await barrier.rotate();
    expect(status.term).toBe(2);
    expect(status.encryptions).toBe(0);
    expect(Number.isNaN(Date.parse(status.install_time))).toBe(false);
    await barrier.put('new', bytes('written in term 2'));
    expect(barrier.keyStatus()).toMatchObject({ term: 2, encryptions: 1 });
    expect(Buffer.from((await backend.get('new')) as Uint8Array).readUInt32BE(1)).toBe(2);
    expect(Buffer.from((await backend.get('old')) as Uint8Array).readUInt32BE(1)).toBe(1);
    expect(text(await barrier.get('old'))).toBe('written in term 1');

    const again = createBarrier(backend);
    await again.unseal(shares[0] as Uint8Array);
    expect(again.keyStatus().term).toBe(2);
    expect(text(await again.get('old'))).toBe('written in term 1');
    expect(text(await again.get('new'))).toBe('written in term 2');
  });

  it('picks up a rotation made by another barrier on the same storage', async () => {
    const backend = createMemoryBackend();
    const { barrier: one, shares } = await unsealedBarrier(backend);
    const two = createBarrier(backend);
    await two.unseal(shares[0] as Uint8Array);
    await one.rotate();
    await one.put('from-one', bytes('term 2 value'));
    expect(text(await two.get('from-one'))).toBe('term 2 value');
    expect(two.keyStatus().term).toBe(2);
  });

  it('keeps its own entries out of reach of the Storage API', async () => {
    const backend = createMemoryBackend();
    const { barrier } = await unsealedBarrier(backend);
    await barrier.put('core/mounts', bytes('mount table'));
    expect(await barrier.list('core/')).toEqual(['mounts']);
    expect((await backend.list('core/')).sort()).toEqual(['keyring', 'mounts', 'root-key', 'seal-config']);
    for (const key of Object.values(BARRIER_KEYS)) {
      await expect(barrier.get(key)).rejects.toSatisfy(rejectsWith('bad_request'));
      await expect(barrier.put(key, bytes('x'))).rejects.toSatisfy(rejectsWith('bad_request'));
      await expect(barrier.delete(key)).rejects.toSatisfy(rejectsWith('bad_request'));
      await expect(barrier.transaction([{ kind: 'delete', key }])).rejects.toSatisfy(rejectsWith('bad_request'));
    }
    expect(await backend.list('core/')).toContain('keyring');
  });

  it('unseals a new barrier over the same sqlite file with the same shares', async () => {
    const path = freshPath();
    const first = createSqliteBackend({ path });
    const barrier = createBarrier(first);
    const { shares } = await barrier.initialize({ secretShares: 5, secretThreshold: 3 });
    for (const share of shares.slice(0, 3)) await barrier.unseal(share);
    await barrier.put('app/key', bytes('persisted secret'));
    await barrier.seal();
    await first.close();

    const second = createSqliteBackend({ path });
    const restarted = createBarrier(second);
    expect(await restarted.isInitialized()).toBe(true);
    expect(restarted.isSealed()).toBe(true);
    expect((await restarted.unseal(shares[4] as Uint8Array)).progress).toBe(1);
    await restarted.unseal(shares[1] as Uint8Array);
    expect((await restarted.unseal(shares[3] as Uint8Array)).sealed).toBe(false);
    expect(text(await restarted.get('app/key'))).toBe('persisted secret');
    await second.close();
  });

  it('leaves none of 1,000 plaintext values in the raw sqlite files', async () => {
    const path = freshPath();
    const backend = createSqliteBackend({ path });
    const { barrier } = await unsealedBarrier(backend);
    const values = Array.from({ length: 1000 }, (_, i) => `plaintext-marker-${i.toString(36)}-${'s3cr3t'.repeat(3)}`);
    await Promise.all(values.map((value, i) => barrier.put(`bulk/${i}`, bytes(value))));
    expect(text(await barrier.get('bulk/999'))).toBe(values[999]);
    await backend.close();
    const dir = join(path, '..');
    const raw = Buffer.concat(readdirSync(dir).map((name) => readFileSync(join(dir, name))));
    expect(raw.length).toBeGreaterThan(1000 * 40);
    expect(raw.includes('plaintext-marker')).toBe(false);
    expect(raw.includes('s3cr3ts3cr3t')).toBe(false);
    for (const value of values) expect(raw.includes(value)).toBe(false);
  });
});
