/**
 * @module The storage contract as a runnable vitest suite, after Vault's `ExerciseBackend`.
 * Every backend (and anything shaped like one) calls `describeStorage` from its own test file;
 * skipping a case needs a written reason next to the call.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import type { StorageBackend } from './storage.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (value: Uint8Array | undefined): string | undefined =>
  value === undefined ? undefined : new TextDecoder().decode(value);
const same = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Registers the storage conformance suite under `name`. `make` is called before each case and
 * must return a fresh, empty backend; the suite closes it after the case.
 *
 * @example
 * describeStorage('memory', async () => createMemoryBackend());
 */
export function describeStorage(name: string, make: () => Promise<StorageBackend>): void {
  describe(`storage conformance: ${name}`, () => {
    let s: StorageBackend;
    beforeEach(async () => {
      s = await make();
    });
    afterEach(async () => {
      await s.close();
    });

    it('answers undefined for a missing key', async () => {
      expect(await s.get('missing')).toBeUndefined();
      expect(await s.get('no/such/deep/key')).toBeUndefined();
    });

    it('lists nothing when empty', async () => {
      expect(await s.list('')).toEqual([]);
      expect(await s.list('foo/')).toEqual([]);
    });

    it('stores, overwrites and deletes a value', async () => {
      await s.put('foo', bytes('one'));
      expect(text(await s.get('foo'))).toBe('one');
      await s.put('foo', bytes('two'));
      expect(text(await s.get('foo'))).toBe('two');
      await s.delete('foo');
      expect(await s.get('foo')).toBeUndefined();
    });

    it('deletes a missing key, and deletes twice, without error', async () => {
      await s.delete('never-written');
      await s.put('once', bytes('x'));
      await s.delete('once');
      await s.delete('once');
      expect(await s.get('once')).toBeUndefined();
    });

    it('lists one level, with dir/ entries, sorted and de-duplicated', async () => {
      for (const key of ['foo', 'foo/bar', 'foo/baz/qux', 'foo/baz/quux', 'zeta', 'alpha/x', 'alpha/y/z']) {
        await s.put(key, bytes(key));
      }
      expect(await s.list('')).toEqual(['alpha/', 'foo', 'foo/', 'zeta']);
      expect(await s.list('foo/')).toEqual(['bar', 'baz/']);
      expect(await s.list('foo/baz/')).toEqual(['quux', 'qux']);
      expect(await s.list('alpha/')).toEqual(['x', 'y/']);
      expect(await s.list('nothing/')).toEqual([]);
    });

    it('keeps list prefixes exact at the edges', async () => {
      for (const key of ['foo', 'foobar/x', 'foo/bar', 'fo/o', 'foo0', 'foo.', 'foo-a/b']) {
        await s.put(key, bytes('v'));
      }
      expect(await s.list('foo/')).toEqual(['bar']);
      expect(await s.list('fo/')).toEqual(['o']);
      expect(await s.list('foobar/')).toEqual(['x']);
      expect(await s.list('')).toEqual(['fo/', 'foo', 'foo-a/', 'foo.', 'foo/', 'foo0', 'foobar/']);
    });

    it('treats SQL wildcard characters in prefixes literally', async () => {
      await s.put('a_b/one', bytes('1'));
      await s.put('axb/two', bytes('2'));
      await s.put('a%b/three', bytes('3'));
      await s.put('a%bc/four', bytes('4'));
      expect(await s.list('a_b/')).toEqual(['one']);
      expect(await s.list('a%b/')).toEqual(['three']);
    });

    it('drops a directory from the list when its last key is deleted', async () => {
      await s.put('dir/a', bytes('1'));
      await s.put('dir/sub/b', bytes('2'));
      expect(await s.list('')).toEqual(['dir/']);
      await s.delete('dir/sub/b');
      expect(await s.list('dir/')).toEqual(['a']);
      await s.delete('dir/a');
      expect(await s.list('')).toEqual([]);
    });

    it('round-trips binary values: every byte, empty and large', async () => {
      const all = Uint8Array.from({ length: 256 }, (_, i) => i);
      await s.put('bin/all', all);
      expect(same(await s.get('bin/all'), all)).toBe(true);

      await s.put('bin/empty', new Uint8Array(0));
      const empty = await s.get('bin/empty');
      expect(empty).toBeInstanceOf(Uint8Array);
      expect(empty?.length).toBe(0);
      expect(await s.list('bin/')).toEqual(['all', 'empty']);

      const large = new Uint8Array(4 * 1024 * 1024);
      for (let i = 0; i < large.length; i += 1) large[i] = (i * 31 + (i >> 11)) & 0xff;
      await s.put('bin/large', large);
      expect(same(await s.get('bin/large'), large)).toBe(true);
    });

    it('stores a copy, not the caller\'s array', async () => {
      const value = bytes('original');
      await s.put('copy', value);
      value.fill(0);
      expect(text(await s.get('copy'))).toBe('original');
      const read = await s.get('copy');
      read?.fill(0);
      expect(text(await s.get('copy'))).toBe('original');
    });

    it('accepts a Uint8Array view with an offset', async () => {
      const backing = bytes('xxhelloxx');
      await s.put('view', backing.subarray(2, 7));
      expect(text(await s.get('view'))).toBe('hello');
    });

    it('handles keys with unicode, spaces and punctuation', async () => {
      const keys = ['dir with space/file name', 'dir with space/ключ', 'dir with space/🔑 key', 'ünï/cödé', 'p%_q/r'];
      for (const key of keys) await s.put(key, bytes(`value of ${key}`));
      for (const key of keys) expect(text(await s.get(key))).toBe(`value of ${key}`);
      expect(await s.list('dir with space/')).toEqual(['file name', 'ключ', '🔑 key']);
      expect(await s.list('')).toEqual(['dir with space/', 'p%_q/', 'ünï/']);
    });

    it('applies a transaction in order', async () => {
      await s.put('tx/old', bytes('old'));
      await s.transaction([
        { kind: 'put', key: 'tx/a', value: bytes('a1') },
        { kind: 'put', key: 'tx/a', value: bytes('a2') },
        { kind: 'put', key: 'tx/b', value: bytes('b') },
        { kind: 'delete', key: 'tx/b' },
        { kind: 'delete', key: 'tx/old' },
        { kind: 'delete', key: 'tx/never' },
      ]);
      expect(text(await s.get('tx/a'))).toBe('a2');
      expect(await s.get('tx/b')).toBeUndefined();
      expect(await s.get('tx/old')).toBeUndefined();
      expect(await s.list('tx/')).toEqual(['a']);
      await s.transaction([]);
    });

    it('applies a transaction all-or-nothing', async () => {
      await s.put('atomic/keep', bytes('keep'));
      const bad = s.transaction([
        { kind: 'put', key: 'atomic/new', value: bytes('new') },
        { kind: 'delete', key: 'atomic/keep' },
        { kind: 'put', key: '', value: bytes('invalid key') },
      ]);
      await expect(bad).rejects.toSatisfy((err: unknown) => isHushError(err, 'bad_request'));
      expect(await s.get('atomic/new')).toBeUndefined();
      expect(text(await s.get('atomic/keep'))).toBe('keep');
    });

    it('refuses malformed keys with bad_request', async () => {
      await expect(s.get('')).rejects.toSatisfy((err: unknown) => isHushError(err, 'bad_request'));
      await expect(s.put('/leading', bytes('x'))).rejects.toSatisfy((err: unknown) => isHushError(err, 'bad_request'));
      await expect(s.put('ok', 'not bytes' as unknown as Uint8Array)).rejects.toSatisfy((err: unknown) =>
        isHushError(err, 'bad_request'),
      );
    });

    it('lands every write of concurrent writers', async () => {
      await Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          for (let i = 0; i < 20; i += 1) await s.put(`conc/w${w}/k${i}`, bytes(`${w}:${i}`));
        }),
      );
      expect((await s.list('conc/')).length).toBe(16);
      for (let w = 0; w < 16; w += 1) {
        expect((await s.list(`conc/w${w}/`)).length).toBe(20);
        expect(text(await s.get(`conc/w${w}/k19`))).toBe(`${w}:19`);
      }
    });
  });
}
