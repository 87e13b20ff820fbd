import { beforeEach, describe, expect, it } from 'vitest';
import { HushError } from '../../lib/errors.js';
import type { SecretsEngine } from '../engine.js';
import { engineRequest } from '../testing/engine-request.js';
import type { RequestSpec } from '../testing/engine-request.js';
import { MapStorage } from '../testing/map-storage.js';
import { createKvV1Engine } from './kv-v1-engine.js';

let storage: MapStorage;
let engine: SecretsEngine;
const call = (spec: RequestSpec) => engine.handle(engineRequest(spec));
const code = async (spec: RequestSpec) => {
  try {
    await call(spec);
  } catch (err) {
    if (err instanceof HushError) return { code: err.code, message: err.message };
    throw err;
  }
  return undefined;
};

beforeEach(() => {
  storage = new MapStorage();
  engine = createKvV1Engine({ view: storage });
});

describe('kv v1', () => {
  it('stores the request body as the value and reads it back', async () => {
    const body = { password: 'hunter2', port: 5432, nested: { a: [1] } };
    expect(await call({ operation: 'create', path: 'app/db', data: body })).toEqual({});
    expect((await call({ operation: 'read', path: 'app/db' })).data).toEqual(body);
    await call({ operation: 'update', path: 'app/db', data: { password: 'new' } });
    expect((await call({ operation: 'read', path: 'app/db' })).data).toEqual({ password: 'new' });
    expect(storage.keys()).toEqual(['app/db']);
  });

  it('answers not_found with an empty message for a missing key', async () => {
    expect(await code({ operation: 'read', path: 'missing' })).toEqual({ code: 'not_found', message: '' });
    expect(await code({ operation: 'read', path: '' })).toEqual({ code: 'not_found', message: '' });
    expect(await code({ operation: 'read', path: 'a/' })).toEqual({ code: 'not_found', message: '' });
  });

  it('refuses empty bodies and invalid paths', async () => {
    expect(await code({ operation: 'update', path: 'k', data: {} })).toEqual({ code: 'bad_request', message: 'missing data fields' });
    for (const path of ['', 'a/', 'a//b', '../x', 'a/./b']) {
      expect((await code({ operation: 'update', path, data: { a: 1 } }))?.code).toBe('bad_request');
    }
  });

  it('deletes, twice without complaint', async () => {
    await call({ operation: 'create', path: 'k', data: { a: 1 } });
    expect(await call({ operation: 'delete', path: 'k' })).toEqual({});
    expect(await call({ operation: 'delete', path: 'k' })).toEqual({});
    expect((await code({ operation: 'read', path: 'k' }))?.code).toBe('not_found');
  });

  it('lists keys and folders one level deep; an empty folder is not_found', async () => {
    for (const path of ['app/db', 'app/api/key', 'app/api', 'top']) {
      await call({ operation: 'create', path, data: { a: 1 } });
    }
    expect((await call({ operation: 'list', path: '' })).data).toEqual({ keys: ['app/', 'top'] });
    expect((await call({ operation: 'list', path: 'app/' })).data).toEqual({ keys: ['api', 'api/', 'db'] });
    expect((await call({ operation: 'list', path: 'app' })).data).toEqual({ keys: ['api', 'api/', 'db'] });
    expect((await code({ operation: 'list', path: 'none/' }))?.code).toBe('not_found');
  });

  it('has no patch (405) and answers exists()', async () => {
    expect((await code({ operation: 'patch', path: 'k', data: { a: 1 } }))?.code).toBe('unsupported_operation');
    expect(await engine.exists?.('k')).toBe(false);
    await call({ operation: 'create', path: 'k', data: { a: 1 } });
    expect(await engine.exists?.('k')).toBe(true);
    expect(await engine.exists?.('a//b')).toBe(false);
  });
});
