import { beforeEach, describe, expect, it } from 'vitest';
import { HushError } from '../../lib/errors.js';
import type { SecretsEngine } from '../engine.js';
import { engineRequest } from '../testing/engine-request.js';
import type { RequestSpec } from '../testing/engine-request.js';
import { MapStorage } from '../testing/map-storage.js';
import { cubbyholeEngineFactory, createCubbyholeEngine } from './cubbyhole-engine.js';

let storage: MapStorage;
let engine: SecretsEngine;
const as = (callerId: string | undefined, spec: RequestSpec) => engine.handle(engineRequest({ ...spec, callerId }));
const failCode = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    if (err instanceof HushError) return err.code;
    throw err;
  }
  return undefined;
};

beforeEach(() => {
  storage = new MapStorage();
  engine = createCubbyholeEngine({ view: storage });
});

describe('cubbyhole', () => {
  it('keeps each caller in its own space', async () => {
    await as('alice', { operation: 'create', path: 'note', data: { v: 'alice-secret' } });
    await as('bob', { operation: 'create', path: 'note', data: { v: 'bob-secret' } });
    expect((await as('alice', { operation: 'read', path: 'note' })).data).toEqual({ v: 'alice-secret' });
    expect((await as('bob', { operation: 'read', path: 'note' })).data).toEqual({ v: 'bob-secret' });
    expect(storage.keys()).toEqual(['alice/note', 'bob/note']);
  });

  it('one token cannot read, list, overwrite or delete another token\'s entries', async () => {
    await as('alice', { operation: 'create', path: 'dir/note', data: { v: 'x' } });
    expect(await failCode(as('bob', { operation: 'read', path: 'dir/note' }))).toBe('not_found');
    expect(await failCode(as('bob', { operation: 'list', path: '' }))).toBe('not_found');
    expect(await failCode(as('bob', { operation: 'list', path: 'dir/' }))).toBe('not_found');
    await as('bob', { operation: 'delete', path: 'dir/note' });
    expect((await as('alice', { operation: 'list', path: '' })).data).toEqual({ keys: ['dir/'] });
    expect((await as('alice', { operation: 'read', path: 'dir/note' })).data).toEqual({ v: 'x' });
    expect(await failCode(as('bob', { operation: 'read', path: '../alice/dir/note' }))).toBe('not_found');
  });

  it('refuses requests without a usable caller', async () => {
    for (const caller of [undefined, '', 'a/b', '..']) {
      expect(await failCode(as(caller, { operation: 'read', path: 'note' }))).toBe('permission_denied');
      expect(await failCode(as(caller, { operation: 'create', path: 'note', data: { v: 1 } }))).toBe('permission_denied');
      expect(await failCode(as(caller, { operation: 'list', path: '' }))).toBe('permission_denied');
    }
  });

  it('is built by its factory and has no exists()', async () => {
    expect(cubbyholeEngineFactory.type).toBe('cubbyhole');
    const built = await cubbyholeEngineFactory.create({
      view: new MapStorage(),
      mount: { path: 'cubbyhole/', type: 'cubbyhole', description: '', options: {}, config: {} },
    });
    expect(built.exists).toBeUndefined();
  });
});
