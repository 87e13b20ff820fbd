import { describeEngine } from './engine-conformance.js';
import type { EngineResponse } from './engine.js';
import { createCubbyholeEngine } from './cubbyhole/cubbyhole-engine.js';
import { createKvV1Engine } from './kv/kv-v1-engine.js';
import { createKvV2Engine } from './kv/kv-v2-engine.js';
import { MapStorage } from './testing/map-storage.js';
import type { RequestSpec } from './testing/engine-request.js';

const v1Value = (res: EngineResponse) => res.data?.['password'];

describeEngine('kv v1', {
  make: async () => createKvV1Engine({ view: new MapStorage() }),
  write: (value) => ({ operation: 'create', path: 'app/db', data: { password: value } }),
  read: { operation: 'read', path: 'app/db' },
  readValue: v1Value,
  unknownPath: 'app/missing',
  unsupported: { operation: 'patch', path: 'app/db' },
  emptyListPath: 'app/',
  provoke: (value): RequestSpec[] => [
    { operation: 'update', path: 'app/db/', data: { password: value } },
    { operation: 'update', path: '../escape', data: { password: value } },
    { operation: 'update', path: 'app/db', data: {} },
    { operation: 'read', path: 'app/db/missing' },
  ],
});

describeEngine('kv v2', {
  make: async () => createKvV2Engine({ view: new MapStorage() }),
  write: (value) => ({ operation: 'create', path: 'data/app/db', data: { data: { password: value } } }),
  read: { operation: 'read', path: 'data/app/db' },
  readValue: (res) => (res.data?.['data'] as Record<string, unknown> | undefined)?.['password'],
  unknownPath: 'nothing/here',
  unsupported: { operation: 'list', path: 'data/app/db' },
  emptyListPath: 'metadata/',
  provoke: (value): RequestSpec[] => [
    { operation: 'update', path: 'data/app/db', data: { data: { password: value }, options: { cas: 0 } } },
    { operation: 'update', path: 'data/app/db', data: { data: value } },
    { operation: 'update', path: 'data/app/db', data: { data: { password: value }, options: { cas: value } } },
    { operation: 'update', path: 'data/app/db', data: { data: { password: value }, options: value } },
    { operation: 'patch', path: 'data/app/db', data: { data: { password: value } } },
    { operation: 'patch', path: 'data/app/other', data: { data: { password: value } }, headers: { 'content-type': 'application/merge-patch+json' } },
    { operation: 'read', path: 'data/app/db', query: { version: value } },
    { operation: 'update', path: 'delete/app/db', data: { versions: value } },
    { operation: 'update', path: 'destroy/app/db', data: { versions: [value] } },
    { operation: 'update', path: 'metadata/app/db', data: { max_versions: value } },
    { operation: 'update', path: 'metadata/app/db', data: { delete_version_after: value } },
    { operation: 'update', path: 'metadata/app/db', data: { cas_required: value } },
    { operation: 'update', path: 'metadata/app/db', data: { custom_metadata: { k: value.repeat(40) } } },
    { operation: 'update', path: 'metadata/app/db', data: { custom_metadata: value } },
    { operation: 'update', path: 'config', data: { max_versions: value } },
    { operation: 'read', path: 'subkeys/app/db', query: { depth: value } },
  ],
});

describeEngine('cubbyhole', {
  make: async () => createCubbyholeEngine({ view: new MapStorage() }),
  base: { callerId: 'caller-a' },
  write: (value) => ({ operation: 'create', path: 'app/db', data: { password: value } }),
  read: { operation: 'read', path: 'app/db' },
  readValue: v1Value,
  unknownPath: 'app/missing',
  unsupported: { operation: 'patch', path: 'app/db' },
  emptyListPath: '',
  provoke: (value): RequestSpec[] => [
    { operation: 'read', path: 'app/db', callerId: 'caller-b' },
    { operation: 'update', path: 'app/db', data: { password: value }, callerId: undefined },
    { operation: 'update', path: 'app//db', data: { password: value } },
  ],
});
