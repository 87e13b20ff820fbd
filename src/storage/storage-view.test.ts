import { describe, expect, it } from 'vitest';
import { isHushError } from '../lib/errors.js';
import { createMemoryBackend } from './memory/memory-backend.js';
import type { StorageBackend } from './storage.js';
import { describeStorage } from './storage-conformance.js';
import { createStorageView } from './storage-view.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const isBadRequest = (err: unknown): boolean => isHushError(err, 'bad_request');

describeStorage('storage view', async () => {
  const backend = createMemoryBackend();
  await backend.put('outside', bytes('not in the view'));
  await backend.put('mount/../escape', bytes('not in the view either'));
  const view = createStorageView(backend, 'logical/mount-1/');
  const viewBackend: StorageBackend = { ...view, kind: 'view', close: () => backend.close() };
  return viewBackend;
});

describe('storage view', () => {
  it('prefixes keys and lists relative names', async () => {
    const backend = createMemoryBackend();
    const view = createStorageView(backend, 'logical/a/');
    await view.put('data/app', bytes('v'));
    await view.transaction([
      { kind: 'put', key: 'data/other', value: bytes('w') },
      { kind: 'delete', key: 'data/app' },
    ]);
    expect(await backend.list('logical/a/data/')).toEqual(['other']);
    expect(await view.list('')).toEqual(['data/']);
    expect(await view.list('data/')).toEqual(['other']);
    expect(new TextDecoder().decode(await view.get('data/other'))).toBe('w');
    await view.delete('data/other');
    expect(await backend.list('')).toEqual([]);
  });

  it('nests views', async () => {
    const backend = createMemoryBackend();
    const inner = createStorageView(createStorageView(backend, 'outer/'), 'inner/');
    await inner.put('k', bytes('v'));
    expect(await backend.list('outer/inner/')).toEqual(['k']);
  });

  it('refuses leading slashes and .. segments without touching storage', async () => {
    const backend = createMemoryBackend();
    await backend.put('secret', bytes('outside'));
    const view = createStorageView(backend, 'logical/a/');
    for (const key of ['/abs', '..', '../secret', 'a/../../secret', 'a/..']) {
      await expect(view.get(key)).rejects.toSatisfy(isBadRequest);
      await expect(view.put(key, bytes('x'))).rejects.toSatisfy(isBadRequest);
      await expect(view.delete(key)).rejects.toSatisfy(isBadRequest);
    }
    await expect(view.list('../')).rejects.toSatisfy(isBadRequest);
    await expect(view.list('/')).rejects.toSatisfy(isBadRequest);
    await expect(
      view.transaction([
        { kind: 'put', key: 'fine', value: bytes('x') },
        { kind: 'delete', key: '../../secret' },
      ]),
    ).rejects.toSatisfy(isBadRequest);
    expect(await backend.list('')).toEqual(['secret']);
    expect(await backend.list('logical/a/')).toEqual([]);
  });

  it('allows dots that are not a whole segment', async () => {
    const view = createStorageView(createMemoryBackend(), 'p/');
    await view.put('a..b/.hidden/...', bytes('ok'));
    expect(await view.list('a..b/.hidden/')).toEqual(['...']);
  });

  it('insists on a prefix ending in a slash', () => {
    expect(() => createStorageView(createMemoryBackend(), 'logical')).toThrow(/end with/);
    expect(() => createStorageView(createMemoryBackend(), '/logical/')).toThrow();
    expect(() => createStorageView(createMemoryBackend(), '')).not.toThrow();
  });
});
