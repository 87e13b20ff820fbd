import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HushError } from '../../lib/errors.js';
import type { HushErrorCode } from '../../lib/errors.js';
import type { EngineResponse, SecretsEngine } from '../engine.js';
import { engineRequest, mergePatchHeaders } from '../testing/engine-request.js';
import type { RequestSpec } from '../testing/engine-request.js';
import { MapStorage } from '../testing/map-storage.js';
import { createKvV2Engine } from './kv-v2-engine.js';

const RFC3339_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/;

let storage: MapStorage;
let engine: SecretsEngine;

beforeEach(() => {
  storage = new MapStorage();
  engine = createKvV2Engine({ view: storage });
});

const call = (spec: RequestSpec) => engine.handle(engineRequest(spec));
const put = (path: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  call({ operation: 'update', path: `data/${path}`, data: { data, ...extra } });
const get = (path: string, version?: number) =>
  call({ operation: 'read', path: `data/${path}`, query: version === undefined ? {} : { version: String(version) } });
/** `data` of a metadata read, typed for the fields the tests look at. */
interface KeyMetaBody extends Record<string, unknown> {
  readonly current_version: number;
  readonly oldest_version: number;
  readonly created_time: string;
  readonly updated_time: string;
  readonly custom_metadata: Record<string, string> | null;
  readonly versions: Record<string, { created_time: string; deletion_time: string; destroyed: boolean }>;
}
/** `data.metadata` of a data read. */
interface VersionMetaBody extends Record<string, unknown> {
  readonly version: number;
  readonly deletion_time: string;
  readonly custom_metadata: Record<string, string> | null;
}
const meta = async (path: string) => (await call({ operation: 'read', path: `metadata/${path}` })).data as KeyMetaBody;

async function rejects(promise: Promise<unknown>, code: HushErrorCode, message?: string): Promise<HushError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(HushError);
    expect((err as HushError).code).toBe(code);
    if (message !== undefined) expect((err as HushError).message).toBe(message);
    return err as HushError;
  }
  throw new Error('expected a rejection');
}

/** hvac: `client.secrets.kv.v2.read_secret_version(path)['data']['data']`. */
const secretOf = (res: EngineResponse) => (res.data as { data: Record<string, unknown> | null }).data;
const metadataOf = (res: EngineResponse) => (res.data as { metadata: VersionMetaBody }).metadata;

describe('kv v2 data write', () => {
  it('returns the version metadata Vault returns', async () => {
    const res = await put('app/db', { password: 'hunter2' });
    expect(res.status ?? 200).toBe(200);
    expect(Object.keys(res.data ?? {}).sort()).toEqual(['created_time', 'custom_metadata', 'deletion_time', 'destroyed', 'version']);
    expect(res.data).toMatchObject({ custom_metadata: null, deletion_time: '', destroyed: false, version: 1 });
    expect(res.data?.['created_time']).toMatch(RFC3339_NANO);
    expect((await put('app/db', { password: 'hunter3' })).data?.['version']).toBe(2);
  });

  it('refuses a write without data', async () => {
    await rejects(call({ operation: 'update', path: 'data/app/db', data: {} }), 'bad_request', 'no data provided');
    await rejects(call({ operation: 'update', path: 'data/app/db', data: { data: null } }), 'bad_request', 'no data provided');
    await rejects(call({ operation: 'update', path: 'data/app/db', data: { data: 'text' } }), 'bad_request');
    await rejects(call({ operation: 'update', path: 'data/app/db', data: { data: ['x'] } }), 'bad_request');
  });

  it('refuses invalid key paths', async () => {
    for (const path of ['data/a//b', 'data/a/', 'data/../x', 'data/a/./b']) {
      await rejects(call({ operation: 'update', path, data: { data: { a: 1 } } }), 'bad_request', 'invalid key path');
    }
  });

  it('accepts any JSON values in data', async () => {
    const data = { s: 'x', n: 1.5, b: true, nil: null, list: [1, 'a'], nested: { deep: { k: 'v' } } };
    await put('any', data);
    expect(secretOf(await get('any'))).toEqual(data);
  });

  it('creates via the create operation too', async () => {
    await call({ operation: 'create', path: 'data/c', data: { data: { a: 1 } } });
    expect(secretOf(await get('c'))).toEqual({ a: 1 });
  });
});

describe('kv v2 data read', () => {
  it('returns data and version metadata (hvac reads response["data"]["data"])', async () => {
    await put('app/db', { password: 'one' });
    const res = await get('app/db');
    expect(res.status ?? 200).toBe(200);
    expect(secretOf(res)).toEqual({ password: 'one' });
    expect(Object.keys(metadataOf(res)).sort()).toEqual(['created_time', 'custom_metadata', 'deletion_time', 'destroyed', 'version']);
    expect(metadataOf(res)).toMatchObject({ custom_metadata: null, deletion_time: '', destroyed: false, version: 1 });
  });

  it('reads a given version; 0 or no version is the latest', async () => {
    await put('k', { v: 1 });
    await put('k', { v: 2 });
    await put('k', { v: 3 });
    expect(secretOf(await get('k', 1))).toEqual({ v: 1 });
    expect(secretOf(await get('k', 2))).toEqual({ v: 2 });
    expect(secretOf(await get('k', 0))).toEqual({ v: 3 });
    expect(secretOf(await get('k'))).toEqual({ v: 3 });
    expect(metadataOf(await get('k', 2)).version).toBe(2);
    const fromBody = await call({ operation: 'read', path: 'data/k', data: { version: 1 } });
    expect(secretOf(fromBody)).toEqual({ v: 1 });
  });

  it('answers not_found with an empty message for a missing key or version', async () => {
    const err = await rejects(get('missing'), 'not_found', '');
    expect(err.messages).toEqual([]);
    await put('k', { v: 1 });
    await rejects(get('k', 9), 'not_found', '');
    await rejects(call({ operation: 'read', path: 'data/a//b' }), 'not_found', '');
  });

  it('refuses a malformed version', async () => {
    await put('k', { v: 1 });
    await rejects(call({ operation: 'read', path: 'data/k', query: { version: 'abc' } }), 'bad_request');
    await rejects(call({ operation: 'read', path: 'data/k', query: { version: '-1' } }), 'bad_request');
  });
});

describe('kv v2 check-and-set', () => {
  it('cas 0 writes only when the key does not exist', async () => {
    expect((await put('k', { a: 1 }, { options: { cas: 0 } })).data?.['version']).toBe(1);
    await rejects(
      put('k', { a: 2 }, { options: { cas: 0 } }),
      'conflict',
      'check-and-set parameter did not match the current version',
    );
  });

  it('cas N writes only over version N', async () => {
    await put('k', { a: 1 });
    expect((await put('k', { a: 2 }, { options: { cas: 1 } })).data?.['version']).toBe(2);
    await rejects(put('k', { a: 3 }, { options: { cas: 1 } }), 'conflict');
    expect((await put('k', { a: 3 }, { options: { cas: '2' } })).data?.['version']).toBe(3);
    expect(secretOf(await get('k'))).toEqual({ a: 3 });
  });

  it('mount config cas_required demands cas', async () => {
    await call({ operation: 'update', path: 'config', data: { cas_required: true } });
    await rejects(put('k', { a: 1 }), 'bad_request', 'check-and-set parameter required for this call');
    expect((await put('k', { a: 1 }, { options: { cas: 0 } })).data?.['version']).toBe(1);
  });

  it('per-key cas_required demands cas', async () => {
    await call({ operation: 'update', path: 'metadata/k', data: { cas_required: true } });
    await rejects(put('k', { a: 1 }), 'bad_request', 'check-and-set parameter required for this call');
    await put('k', { a: 1 }, { options: { cas: 0 } });
    await put('other', { a: 1 });
  });

  it('refuses a malformed cas', async () => {
    await rejects(put('k', { a: 1 }, { options: { cas: 'x' } }), 'bad_request');
    await rejects(put('k', { a: 1 }, { options: 'x' }), 'bad_request');
  });

  it('keeps every update of 20 concurrent writers doing CAS-retry loops', async () => {
    const writers = 20;
    const updates = 10;
    const versions: number[] = [];
    let conflicts = 0;
    const writer = async (w: number) => {
      for (let i = 0; i < updates; i++) {
        for (;;) {
          let current = 0;
          let count = 0;
          try {
            const res = await get('counter');
            current = metadataOf(res).version;
            count = secretOf(res)?.['count'] as number;
          } catch (err) {
            if (!(err instanceof HushError && err.code === 'not_found')) throw err;
          }
          try {
            const res = await put('counter', { count: count + 1, last: `${w}-${i}` }, { options: { cas: current } });
            versions.push(res.data?.['version'] as number);
            break;
          } catch (err) {
            if (!(err instanceof HushError && err.code === 'conflict')) throw err;
            conflicts += 1;
            await new Promise((r) => setImmediate(r));
          }
        }
      }
    };
    await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
    const m = await meta('counter');
    expect(m.current_version).toBe(writers * updates);
    expect(secretOf(await get('counter'))?.['count']).toBe(writers * updates);
    expect(versions.sort((a, b) => a - b)).toEqual(Array.from({ length: writers * updates }, (_, i) => i + 1));
    expect(conflicts).toBeGreaterThan(0);
    expect(Object.keys(m.versions)).toHaveLength(10);
  });
});

describe('kv v2 patch', () => {
  const patch = (path: string, data: unknown, extra: Partial<RequestSpec> = {}) =>
    call({ operation: 'patch', path: `data/${path}`, data: { data }, headers: mergePatchHeaders, ...extra });

  it('merges into the latest version (RFC 7396) as a new version', async () => {
    await put('k', { keep: 'a', change: 'b', drop: 'c', obj: { x: 1, y: 2 } });
    const res = await patch('k', { change: 'B', drop: null, add: 'd', obj: { y: null, z: 3 } });
    expect(res.data).toMatchObject({ version: 2, destroyed: false, deletion_time: '' });
    expect(secretOf(await get('k'))).toEqual({ keep: 'a', change: 'B', add: 'd', obj: { x: 1, z: 3 } });
    expect(secretOf(await get('k', 1))).toEqual({ keep: 'a', change: 'b', drop: 'c', obj: { x: 1, y: 2 } });
  });

  it('requires the merge-patch content type (415 like Vault)', async () => {
    await put('k', { a: 1 });
    const res = await patch('k', { a: 2 }, { headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(415);
    expect(res.errors?.[0]).toContain('application/merge-patch+json');
    expect((await patch('k', { a: 2 }, { headers: {} })).status).toBe(415);
    const ok = await patch('k', { a: 2 }, { headers: { 'content-type': 'Application/Merge-Patch+JSON; charset=utf-8' } });
    expect(ok.data?.['version']).toBe(2);
  });

  it('answers 404 for a missing key; 404 with version metadata for a deleted or destroyed one', async () => {
    await rejects(patch('missing', { a: 1 }), 'not_found', '');
    await call({ operation: 'update', path: 'metadata/m', data: { max_versions: 3 } });
    await rejects(patch('m', { a: 2 }), 'not_found', '');
    await put('k', { a: 1 });
    await call({ operation: 'delete', path: 'data/k' });
    const deleted = await patch('k', { a: 2 });
    expect(deleted.status).toBe(404);
    expect(deleted.data).toMatchObject({ version: 1, destroyed: false, custom_metadata: null });
    expect(deleted.data?.['deletion_time']).toMatch(RFC3339_NANO);
    await put('d', { a: 1 });
    await call({ operation: 'update', path: 'destroy/d', data: { versions: [1] } });
    const destroyed = await patch('d', { a: 2 });
    expect(destroyed.status).toBe(404);
    expect(destroyed.data).toMatchObject({ version: 1, destroyed: true });
    expect((await meta('k')).current_version).toBe(1);
  });

  it('honours cas and needs data', async () => {
    await put('k', { a: 1 });
    await rejects(
      call({ operation: 'patch', path: 'data/k', data: { data: { a: 2 }, options: { cas: 5 } }, headers: mergePatchHeaders }),
      'conflict',
    );
    await rejects(call({ operation: 'patch', path: 'data/k', data: {}, headers: mergePatchHeaders }), 'bad_request', 'no data provided');
    await call({ operation: 'update', path: 'config', data: { cas_required: true } });
    await rejects(patch('k', { a: 2 }), 'bad_request', 'check-and-set parameter required for this call');
  });
});

describe('kv v2 delete, undelete, destroy', () => {
  beforeEach(async () => {
    await put('k', { v: 1 });
    await put('k', { v: 2 });
    await put('k', { v: 3 });
  });

  it('DELETE data/ soft-deletes the latest version; its read is 404 with data null and metadata', async () => {
    const res = await call({ operation: 'delete', path: 'data/k' });
    expect(res.data ?? null).toBeNull();
    const read = await get('k');
    expect(read.status).toBe(404);
    expect(secretOf(read)).toBeNull();
    expect(metadataOf(read)).toMatchObject({ version: 3, destroyed: false });
    expect(metadataOf(read).deletion_time).toMatch(RFC3339_NANO);
    expect(secretOf(await get('k', 2))).toEqual({ v: 2 });
    expect(await call({ operation: 'delete', path: 'data/k' })).toEqual({});
    expect(await call({ operation: 'delete', path: 'data/missing' })).toEqual({});
  });

  it('delete/ soft-deletes the listed versions; undelete/ restores them', async () => {
    await call({ operation: 'update', path: 'delete/k', data: { versions: [1, 2] } });
    expect((await get('k', 1)).status).toBe(404);
    expect((await get('k', 2)).status).toBe(404);
    expect(secretOf(await get('k', 3))).toEqual({ v: 3 });
    await call({ operation: 'update', path: 'undelete/k', data: { versions: '1,2' } });
    expect(secretOf(await get('k', 1))).toEqual({ v: 1 });
    expect(metadataOf(await get('k', 2)).deletion_time).toBe('');
  });

  it('destroy/ removes the data for good; undelete cannot bring it back', async () => {
    await call({ operation: 'update', path: 'destroy/k', data: { versions: [2] } });
    const read = await get('k', 2);
    expect(read.status).toBe(404);
    expect(read.data).toEqual({ data: null, metadata: expect.objectContaining({ destroyed: true, version: 2 }) });
    expect(storage.keys()).not.toContain('versions/k/2');
    await call({ operation: 'update', path: 'undelete/k', data: { versions: [2] } });
    expect((await get('k', 2)).status).toBe(404);
    expect((await meta('k')).versions['2']?.destroyed).toBe(true);
  });

  it('needs versions and ignores unknown ones and missing keys', async () => {
    for (const op of ['delete', 'undelete', 'destroy']) {
      await rejects(call({ operation: 'update', path: `${op}/k`, data: {} }), 'bad_request', 'no version number provided');
      await rejects(call({ operation: 'update', path: `${op}/k`, data: { versions: [] } }), 'bad_request');
      expect(await call({ operation: 'update', path: `${op}/k`, data: { versions: [42] } })).toEqual({});
      expect(await call({ operation: 'update', path: `${op}/missing`, data: { versions: [1] } })).toEqual({});
    }
  });
});

describe('kv v2 metadata', () => {
  it('reads the full metadata Vault returns', async () => {
    const first = await put('k', { v: 1 });
    await put('k', { v: 2 });
    const m = await meta('k');
    expect(Object.keys(m).sort()).toEqual([
      'cas_required',
      'created_time',
      'current_version',
      'custom_metadata',
      'delete_version_after',
      'max_versions',
      'oldest_version',
      'updated_time',
      'versions',
    ]);
    expect(m).toMatchObject({
      cas_required: false,
      current_version: 2,
      custom_metadata: null,
      delete_version_after: '0s',
      max_versions: 0,
      oldest_version: 0,
    });
    expect(m.created_time).toBe(first.data?.['created_time']);
    expect(m.updated_time).toBe(m.versions['2']?.created_time);
    expect(Object.keys(m.versions)).toEqual(['1', '2']);
    expect(m.versions['1']).toEqual({ created_time: first.data?.['created_time'], deletion_time: '', destroyed: false });
  });

  it('answers not_found for missing metadata', async () => {
    await rejects(call({ operation: 'read', path: 'metadata/missing' }), 'not_found', '');
    await rejects(call({ operation: 'read', path: 'metadata/' }), 'not_found');
  });

  it('writes settings and custom_metadata, creating the key if needed', async () => {
    const res = await call({
      operation: 'update',
      path: 'metadata/k',
      data: { max_versions: 5, cas_required: true, delete_version_after: '3h25m19s', custom_metadata: { owner: 'team-a' } },
    });
    expect(res.data ?? null).toBeNull();
    const m = await meta('k');
    expect(m).toMatchObject({
      max_versions: 5,
      cas_required: true,
      delete_version_after: '3h25m19s',
      custom_metadata: { owner: 'team-a' },
      current_version: 0,
      versions: {},
    });
    await rejects(get('k'), 'not_found');
    const w = await put('k', { a: 1 }, { options: { cas: 0 } });
    expect(w.data?.['custom_metadata']).toEqual({ owner: 'team-a' });
    expect(metadataOf(await get('k')).custom_metadata).toEqual({ owner: 'team-a' });
  });

  it('creates nothing for a write without fields, and warns when config mandates cas', async () => {
    expect(await call({ operation: 'update', path: 'metadata/k', data: {} })).toEqual({});
    await rejects(call({ operation: 'read', path: 'metadata/k' }), 'not_found');
    await call({ operation: 'update', path: 'config', data: { cas_required: true } });
    const res = await call({ operation: 'update', path: 'metadata/k', data: { cas_required: false } });
    expect(res.warnings?.[0]).toContain('cas_required');
  });

  it('turns numbers in custom_metadata into strings', async () => {
    await call({ operation: 'update', path: 'metadata/k', data: { custom_metadata: { n: 5, b: true } } });
    expect((await meta('k')).custom_metadata).toEqual({ n: '5', b: 'true' });
  });

  it('leaves absent fields unchanged and replaces custom_metadata on write', async () => {
    await call({ operation: 'update', path: 'metadata/k', data: { max_versions: 4, custom_metadata: { a: '1', b: '2' } } });
    await call({ operation: 'update', path: 'metadata/k', data: { custom_metadata: { c: '3' } } });
    expect(await meta('k')).toMatchObject({ max_versions: 4, custom_metadata: { c: '3' } });
  });

  it('patches metadata with merge patch', async () => {
    await call({ operation: 'update', path: 'metadata/k', data: { max_versions: 4, custom_metadata: { a: '1', b: '2' } } });
    const patch = (data: Record<string, unknown>, headers = mergePatchHeaders) =>
      call({ operation: 'patch', path: 'metadata/k', data, headers });
    expect((await patch({ custom_metadata: { a: null, c: '3' } }, {})).status).toBe(415);
    await patch({ custom_metadata: { a: null, c: '3' }, cas_required: true });
    expect(await meta('k')).toMatchObject({ max_versions: 4, cas_required: true, custom_metadata: { b: '2', c: '3' } });
    await rejects(call({ operation: 'patch', path: 'metadata/none', data: { max_versions: 1 }, headers: mergePatchHeaders }), 'not_found');
  });

  it('validates metadata fields without echoing values', async () => {
    const bad = [
      { max_versions: -1 },
      { max_versions: 'many' },
      { cas_required: 'perhaps' },
      { delete_version_after: 'soon' },
      { custom_metadata: 'x' },
      { custom_metadata: { k: {} } },
      { custom_metadata: { k: '' } },
      { custom_metadata: { k: 'line\nbreak' } },
      { custom_metadata: { k: 'v'.repeat(513) } },
      { custom_metadata: { ['k'.repeat(129)]: 'v' } },
      { custom_metadata: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])) },
    ];
    for (const data of bad) await rejects(call({ operation: 'update', path: 'metadata/k', data }), 'bad_request');
    await rejects(call({ operation: 'read', path: 'metadata/k' }), 'not_found');
  });

  it('deletes every version and the metadata', async () => {
    await put('k', { v: 1 });
    await put('k', { v: 2 });
    await put('other', { v: 1 });
    expect(await call({ operation: 'delete', path: 'metadata/k' })).toEqual({});
    await rejects(get('k', 1), 'not_found');
    await rejects(call({ operation: 'read', path: 'metadata/k' }), 'not_found');
    expect(storage.keys()).toEqual(['meta/other', 'versions/other/1']);
    expect(await call({ operation: 'delete', path: 'metadata/k' })).toEqual({});
  });

  it('lists keys and sub-folders like Vault', async () => {
    await put('app/db', { a: 1 });
    await put('app/api/key', { a: 1 });
    await put('app/api', { a: 1 });
    await put('top', { a: 1 });
    await call({ operation: 'update', path: 'metadata/app/only-meta', data: { max_versions: 2 } });
    const list = async (path: string) => (await call({ operation: 'list', path })).data?.['keys'];
    expect(await list('metadata/')).toEqual(['app/', 'top']);
    expect(await list('metadata')).toEqual(['app/', 'top']);
    expect(await list('metadata/app/')).toEqual(['api', 'api/', 'db', 'only-meta']);
    expect(await list('metadata/app')).toEqual(['api', 'api/', 'db', 'only-meta']);
    expect(await list('metadata/app/api/')).toEqual(['key']);
    await rejects(call({ operation: 'list', path: 'metadata/nothing/' }), 'not_found', '');
    await rejects(call({ operation: 'list', path: 'metadata/app/db/' }), 'not_found');
  });

  it('still lists a key whose versions are all deleted', async () => {
    await put('k', { a: 1 });
    await call({ operation: 'delete', path: 'data/k' });
    expect((await call({ operation: 'list', path: 'metadata/' })).data).toEqual({ keys: ['k'] });
  });
});

describe('kv v2 max_versions', () => {
  it('keeps 10 versions by default and advances oldest_version', async () => {
    for (let i = 1; i <= 12; i++) await put('k', { i });
    const m = await meta('k');
    expect(Object.keys(m.versions).map(Number)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(m.oldest_version).toBe(3);
    await rejects(get('k', 2), 'not_found');
    expect(storage.keys().filter((k) => k.startsWith('versions/'))).toHaveLength(10);
  });

  it('moves oldest_version like Vault once the window is full', async () => {
    for (let i = 1; i <= 9; i++) await put('k', { i });
    expect((await meta('k')).oldest_version).toBe(0);
    await put('k', { i: 10 });
    const m = await meta('k');
    expect(m.oldest_version).toBe(1);
    expect(Object.keys(m.versions)).toHaveLength(10);
  });

  it('keeps the larger of the mount and key settings', async () => {
    await call({ operation: 'update', path: 'config', data: { max_versions: 3 } });
    for (let i = 1; i <= 5; i++) await put('a', { i });
    expect(Object.keys((await meta('a')).versions)).toEqual(['3', '4', '5']);
    await call({ operation: 'update', path: 'metadata/b', data: { max_versions: 2 } });
    for (let i = 1; i <= 5; i++) await put('b', { i });
    expect(Object.keys((await meta('b')).versions)).toEqual(['3', '4', '5']);
    await call({ operation: 'update', path: 'metadata/c', data: { max_versions: 4 } });
    for (let i = 1; i <= 6; i++) await put('c', { i });
    const m = await meta('c');
    expect(Object.keys(m.versions)).toEqual(['3', '4', '5', '6']);
    expect(m.oldest_version).toBe(3);
    expect(storage.keys().filter((k) => k.startsWith('versions/c/'))).toEqual([
      'versions/c/3',
      'versions/c/4',
      'versions/c/5',
      'versions/c/6',
    ]);
  });

  it('prunes down to a lowered max_versions on the next write', async () => {
    for (let i = 1; i <= 8; i++) await put('k', { i });
    await call({ operation: 'update', path: 'metadata/k', data: { max_versions: 0 } });
    await call({ operation: 'update', path: 'config', data: { max_versions: 2 } });
    await put('k', { i: 9 });
    expect(Object.keys((await meta('k')).versions)).toEqual(['8', '9']);
    expect(storage.keys().filter((k) => k.startsWith('versions/'))).toEqual(['versions/k/8', 'versions/k/9']);
  });
});

describe('kv v2 delete_version_after', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T00:00:00Z'));
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('schedules deletion at write and honours it on read', async () => {
    await call({ operation: 'update', path: 'metadata/k', data: { delete_version_after: '1h' } });
    const w = await put('k', { a: 1 });
    expect(w.data?.['deletion_time']).toMatch(/^2026-01-01T01:00:00(\.\d+)?Z$/);
    expect(secretOf(await get('k'))).toEqual({ a: 1 });
    vi.setSystemTime(new Date('2026-01-01T01:00:01Z'));
    const read = await get('k');
    expect(read.status).toBe(404);
    expect(secretOf(read)).toBeNull();
    await call({ operation: 'update', path: 'undelete/k', data: { versions: [1] } });
    expect(secretOf(await get('k'))).toEqual({ a: 1 });
  });

  it('caps the key setting by the mount setting', async () => {
    await call({ operation: 'update', path: 'config', data: { delete_version_after: 60 } });
    await call({ operation: 'update', path: 'metadata/k', data: { delete_version_after: '2h' } });
    expect((await put('k', { a: 1 })).data?.['deletion_time']).toMatch(/^2026-01-01T00:01:00(\.\d+)?Z$/);
    expect((await put('other', { a: 1 })).data?.['deletion_time']).toMatch(/^2026-01-01T00:01:00(\.\d+)?Z$/);
  });

  it('lets DELETE data/ bring a scheduled deletion forward', async () => {
    await call({ operation: 'update', path: 'config', data: { delete_version_after: '1h' } });
    await put('k', { a: 1 });
    await call({ operation: 'delete', path: 'data/k' });
    expect((await get('k')).status).toBe(404);
    expect(metadataOf(await get('k')).deletion_time).toMatch(/^2026-01-01T00:00:00(\.\d+)?Z$/);
  });
});

describe('kv v2 config', () => {
  it('reads defaults and writes settings', async () => {
    expect((await call({ operation: 'read', path: 'config' })).data).toEqual({
      cas_required: false,
      delete_version_after: '0s',
      max_versions: 0,
    });
    expect(await call({ operation: 'update', path: 'config', data: { max_versions: 7, delete_version_after: '90m' } })).toEqual({});
    await call({ operation: 'update', path: 'config', data: { cas_required: 'true' } });
    expect((await call({ operation: 'read', path: 'config' })).data).toEqual({
      cas_required: true,
      delete_version_after: '1h30m0s',
      max_versions: 7,
    });
    await rejects(call({ operation: 'update', path: 'config', data: { max_versions: 'x' } }), 'bad_request');
  });
});

describe('kv v2 subkeys', () => {
  it('returns the structure with leaves as null, to a depth', async () => {
    await put('k', { foo: 'abc', bar: { baz: 1, deep: { x: 'y' }, empty: {} }, list: [1] });
    const res = await call({ operation: 'read', path: 'subkeys/k' });
    expect(res.data?.['subkeys']).toEqual({ foo: null, bar: { baz: null, deep: { x: null }, empty: null }, list: null });
    expect(res.data?.['metadata']).toMatchObject({ version: 1, destroyed: false });
    const shallow = await call({ operation: 'read', path: 'subkeys/k', query: { depth: '1' } });
    expect(shallow.data?.['subkeys']).toEqual({ foo: null, bar: null, list: null });
    await call({ operation: 'delete', path: 'data/k' });
    const deleted = await call({ operation: 'read', path: 'subkeys/k' });
    expect(deleted.status).toBe(404);
    expect(deleted.data?.['subkeys']).toBeNull();
    await rejects(call({ operation: 'read', path: 'subkeys/missing' }), 'not_found');
  });
});

describe('kv v2 routing and storage', () => {
  it('answers 404 for unknown paths and 405 for missing operations', async () => {
    await rejects(call({ operation: 'read', path: 'nothing' }), 'not_found');
    await rejects(call({ operation: 'read', path: 'data' }), 'not_found');
    await rejects(call({ operation: 'list', path: 'data/k' }), 'unsupported_operation');
    await rejects(call({ operation: 'delete', path: 'config' }), 'unsupported_operation');
    await rejects(call({ operation: 'read', path: 'destroy/k' }), 'unsupported_operation');
  });

  it('answers exists() for create-versus-update', async () => {
    expect(await engine.exists?.('data/k')).toBe(false);
    await put('k', { a: 1 });
    expect(await engine.exists?.('data/k')).toBe(true);
    expect(await engine.exists?.('metadata/k')).toBe(true);
    expect(await engine.exists?.('config')).toBe(true);
    expect(await engine.exists?.('delete/k')).toBe(false);
  });

  it('stores meta/<path> and versions/<path>/<n>, each change in one transaction', async () => {
    const transaction = vi.spyOn(storage, 'transaction');
    const putSpy = vi.spyOn(storage, 'put');
    await put('app/db', { a: 1 });
    await put('app/db', { a: 2 });
    expect(storage.keys()).toEqual(['meta/app/db', 'versions/app/db/1', 'versions/app/db/2']);
    expect(transaction).toHaveBeenCalledTimes(2);
    expect(transaction.mock.calls[0]?.[0].map((op) => `${op.kind} ${op.key}`)).toEqual([
      'put versions/app/db/1',
      'put meta/app/db',
    ]);
    expect(putSpy).not.toHaveBeenCalled();
  });

  it('leaves storage unchanged when a write fails', async () => {
    await put('k', { a: 1 });
    const before = storage.keys();
    await rejects(put('k', { a: 2 }, { options: { cas: 7 } }), 'conflict');
    expect(storage.keys()).toEqual(before);
    expect((await meta('k')).current_version).toBe(1);
  });
});

describe('KV v2 shared version data', () => {
  it('reads a key deleted and written again with its new data, and destroyed data not at all', async () => {
    await put('shared/app', { password: 'first-one' });
    expect((await get('shared/app')).data).toMatchObject({ data: { password: 'first-one' } }); // now shared
    await call({ operation: 'delete', path: 'metadata/shared/app' });
    await put('shared/app', { password: 'second-one' });
    expect((await get('shared/app')).data).toMatchObject({ data: { password: 'second-one' }, metadata: { version: 1 } });
    await call({ operation: 'update', path: 'destroy/shared/app', data: { versions: [1] } });
    const destroyed = await get('shared/app');
    expect(destroyed.status).toBe(404);
    expect(destroyed.data).toMatchObject({ data: null });
  });

  it('hands out data nobody can change, and patches build new versions from it', async () => {
    await put('shared/frozen', { a: '1', nested: { b: '2' } });
    const first = (await get('shared/frozen')).data as { data: Record<string, unknown> };
    expect(() => {
      first.data['a'] = 'changed';
    }).toThrow(TypeError);
    await call({ operation: 'patch', path: 'data/shared/frozen', data: { data: { a: '3' } }, headers: mergePatchHeaders });
    expect((await get('shared/frozen')).data).toMatchObject({ data: { a: '3', nested: { b: '2' } }, metadata: { version: 2 } });
    expect((await get('shared/frozen', 1)).data).toMatchObject({ data: { a: '1', nested: { b: '2' } } });
  });

  it('shares a version\'s metadata between reads until the metadata changes', async () => {
    await put('shared/meta', { k: 'v' });
    const first = (await get('shared/meta')).data as { metadata: VersionMetaBody };
    const second = (await get('shared/meta')).data as { metadata: VersionMetaBody };
    expect(second.metadata).toBe(first.metadata);
    expect(Object.isFrozen(first.metadata)).toBe(true);
    await call({ operation: 'delete', path: 'data/shared/meta' });
    const deleted = await get('shared/meta');
    expect(deleted.status).toBe(404);
    expect((deleted.data as { metadata: VersionMetaBody }).metadata.deletion_time).toMatch(RFC3339_NANO);
    await call({ operation: 'update', path: 'undelete/shared/meta', data: { versions: [1] } });
    const back = (await get('shared/meta')).data as { data: unknown; metadata: VersionMetaBody };
    expect(back).toMatchObject({ data: { k: 'v' }, metadata: { deletion_time: '' } });
    await call({ operation: 'update', path: 'metadata/shared/meta', data: { custom_metadata: { owner: 'ops' } } });
    expect(((await get('shared/meta')).data as { metadata: VersionMetaBody }).metadata.custom_metadata).toEqual({ owner: 'ops' });
  });

  it('forgets shared data when the engine closes', async () => {
    await put('shared/closing', { k: 'v' });
    await get('shared/closing');
    storage.entries.delete('versions/shared/closing/1'); // behind the engine's back
    expect((await get('shared/closing')).data).toMatchObject({ data: { k: 'v' } }); // from memory
    await engine.close?.();
    await expect(get('shared/closing')).rejects.toMatchObject({ code: 'not_found' });
  });
});
