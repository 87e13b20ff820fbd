import { beforeEach, describe, expect, it } from 'vitest';
import type { Operation } from '../core/request.js';
import { isHushError } from '../lib/errors.js';
import { generateBatchTokenKey } from './batch-token.js';
import { createFakeClock } from './testing/fake-clock.js';
import type { FakeClock } from './testing/fake-clock.js';
import { createMapStorage } from './testing/map-storage.js';
import type { MapStorage } from './testing/map-storage.js';
import { TokenRoleStore } from './token-role.js';
import { createTokenRoutes } from './token-routes.js';
import type { TokenRoutes } from './token-routes.js';
import { createTokenStore } from './token-store.js';
import type { TokenEntry, TokenStore } from './token-types.js';

let storage: MapStorage;
let reads: number;
let clock: FakeClock;
let batchKey: Uint8Array;
let store: TokenStore;
let routes: TokenRoutes;
let root: { token: string; entry: TokenEntry };

/** The map storage with a count of reads, to show what a batch token costs. */
function counted(inner: MapStorage): MapStorage {
  return {
    ...inner,
    entries: inner.entries,
    get: (key) => {
      reads++;
      return inner.get(key);
    },
    list: (prefix) => {
      reads++;
      return inner.list(prefix);
    },
  };
}

function makeStore(key = batchKey): TokenStore {
  return createTokenStore({ storage: counted(storage), now: clock.now, hashKey: new Uint8Array(32).fill(7), batchKey: key });
}

beforeEach(async () => {
  storage = createMapStorage();
  reads = 0;
  clock = createFakeClock();
  batchKey = generateBatchTokenKey();
  store = makeStore();
  routes = createTokenRoutes({ store, roles: new TokenRoleStore(createMapStorage()), sweep: () => store.tidy() });
  root = await store.create({ policies: ['root'], id: 'root', displayName: 'root', path: 'auth/token/root' });
});

async function expectBadRequest(promise: Promise<unknown>, message: string) {
  let err: unknown;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  expect(isHushError(err, 'bad_request'), String(err)).toBe(true);
  expect((err as Error).message).toContain(message);
}

function call(caller: { token: string; entry: TokenEntry }, operation: Operation, path: string, data: Record<string, unknown> = {}) {
  return routes.handle({
    operation,
    path,
    data,
    caller: caller.entry,
    callerToken: caller.token,
    remoteAddress: '127.0.0.1',
    isRoot: caller.entry.policies.includes('root'),
    hasSudo: () => false,
  });
}

const loginBatch = () =>
  store.create({
    policies: ['app-read'],
    ttl: 600,
    metadata: { role_name: 'ci' },
    displayName: 'approle-ci',
    path: 'auth/approle/login',
    orphan: true,
    type: 'batch',
  });

describe('batch tokens in the store', () => {
  it('creates an orphan batch token without writing anything, and finds it without reading anything', async () => {
    const keysBefore = [...storage.entries.keys()];
    const { token, entry } = await loginBatch();
    expect(token).toMatch(/^hvb\.[A-Za-z0-9_-]+$/);
    expect([...storage.entries.keys()]).toEqual(keysBefore);
    expect(entry).toMatchObject({
      accessor: '',
      policies: ['app-read', 'default'],
      type: 'batch',
      renewable: false,
      orphan: true,
      ttl: 600,
      creationTtl: 600,
      numUses: 0,
      period: 0,
      explicitMaxTtl: 0,
      metadata: { role_name: 'ci' },
      displayName: 'approle-ci',
      path: 'auth/approle/login',
    });
    expect(entry.parentHashedId).toBeUndefined();

    reads = 0;
    expect(await store.lookup(token)).toEqual(entry);
    expect(reads).toBe(0);
    expect(await store.use(entry)).toEqual(entry);
    expect(await store.lookupByAccessor('')).toBeUndefined();
    expect(await store.lookupByHash(entry.hashedId)).toBeUndefined();
    expect(await store.listAccessors()).not.toContain('');
  });

  it('expires at its TTL and is then simply invalid', async () => {
    const { token, entry } = await loginBatch();
    expect(store.expireTime(entry)).toBe(entry.creationTime + 600_000);
    clock.advance(599);
    expect(await store.lookup(token)).toBeDefined();
    clock.advance(1);
    expect(await store.lookup(token)).toBeUndefined();
  });

  it('refuses altered, truncated and foreign tokens', async () => {
    const { token } = await loginBatch();
    const body = token.slice(4);
    const swapped = body[10] === 'A' ? 'B' : 'A';
    expect(await store.lookup(`hvb.${body.slice(0, 10)}${swapped}${body.slice(11)}`)).toBeUndefined();
    expect(await store.lookup(token.slice(0, -1))).toBeUndefined();
    expect(await store.lookup('hvb.not-a-real-token')).toBeUndefined();
    expect(await makeStore(generateBatchTokenKey()).lookup(token)).toBeUndefined();
  });

  it('stays valid in a new store with the same key (a restart)', async () => {
    const { token, entry } = await loginBatch();
    expect(await makeStore(batchKey).lookup(token)).toEqual(entry);
  });

  it('cannot be renewed or revoked', async () => {
    const { entry } = await loginBatch();
    await expectBadRequest(store.renew(entry), 'batch tokens cannot be renewed');
    await expectBadRequest(store.revoke(entry), 'batch tokens cannot be revoked');
    await expectBadRequest(store.revokeOrphan(entry), 'batch tokens cannot be revoked');
  });

  it('follows Vault: no root, no use limit, no period, no custom ID; an explicit max TTL caps the TTL', async () => {
    await expectBadRequest(store.create({ policies: ['root'], type: 'batch' }), 'batch tokens cannot be root tokens');
    await expectBadRequest(store.create({ policies: ['a'], numUses: 2, type: 'batch' }), '"num_uses"');
    await expectBadRequest(store.create({ policies: ['a'], period: 60, type: 'batch' }), '"period"');
    await expectBadRequest(store.create({ policies: ['a'], id: 'mine', type: 'batch' }), 'custom token ID');
    const capped = await store.create({ policies: ['a'], ttl: 3600, explicitMaxTtl: 60, type: 'batch' });
    expect(capped.entry.ttl).toBe(60);
    expect(capped.warnings.join(' ')).toContain('explicit max TTL');
  });

  it('gives children of a service token that die with their parent', async () => {
    const parent = await store.create({ policies: ['a'], parent: root.entry, ttl: 3600 });
    const child = await store.create({ policies: ['a'], parent: parent.entry, ttl: 600, type: 'batch' });
    expect(child.entry.orphan).toBe(false);
    expect(child.entry.parentHashedId).toBe(parent.entry.hashedId);
    expect((await store.lookup(child.token))?.parentHashedId).toBe(parent.entry.hashedId);

    await store.revoke(parent.entry);
    expect(await store.lookup(child.token)).toBeUndefined();
  });

  it('gives children that die when their parent expires first', async () => {
    const parent = await store.create({ policies: ['a'], parent: root.entry, ttl: 60 });
    const child = await store.create({ policies: ['a'], parent: parent.entry, ttl: 600, type: 'batch' });
    clock.advance(61);
    expect(await store.lookup(child.token)).toBeUndefined();
  });

  it('cannot be a parent', async () => {
    const { entry } = await loginBatch();
    await expectBadRequest(store.create({ policies: ['app-read'], parent: entry }), 'batch tokens cannot create more tokens');
    await expectBadRequest(
      store.create({ policies: ['app-read'], parent: entry, type: 'batch' }),
      'batch tokens cannot create more tokens',
    );
  });
});

describe('batch tokens through auth/token/*', () => {
  it('creates a batch child with type=batch and shows it in lookups like Vault', async () => {
    const res = await call(root, 'update', 'create', { type: 'batch', policies: ['a'], ttl: '10m', meta: { team: 'x' } });
    expect(res.auth).toMatchObject({ accessor: '', token_type: 'batch', renewable: false, orphan: false, lease_duration: 600 });
    const token = res.auth!.client_token;
    const entry = (await store.lookup(token))!;
    const self = await call({ token, entry }, 'read', 'lookup-self');
    expect(self.data).toMatchObject({ id: token, accessor: '', type: 'batch', renewable: false, ttl: 600, meta: { team: 'x' } });
    const byRoot = await call(root, 'update', 'lookup', { token });
    expect(byRoot.data).toMatchObject({ type: 'batch', accessor: '' });
  });

  it('refuses renew, revoke and child creation for a batch caller, with Vault messages', async () => {
    const res = await call(root, 'update', 'create', { type: 'batch', policies: ['a'] });
    const caller = { token: res.auth!.client_token, entry: (await store.lookup(res.auth!.client_token))! };
    await expectBadRequest(call(caller, 'update', 'renew-self'), 'batch tokens cannot be renewed');
    await expectBadRequest(call(caller, 'update', 'revoke-self'), 'batch tokens cannot be revoked');
    await expectBadRequest(call(caller, 'update', 'create', { policies: ['a'] }), 'batch tokens cannot create more tokens');
    await expectBadRequest(call(caller, 'update', 'create-orphan', { policies: ['a'] }), 'batch tokens cannot create more tokens');
    await expectBadRequest(call(root, 'update', 'renew', { token: caller.token }), 'batch tokens cannot be renewed');
    await expectBadRequest(call(root, 'update', 'revoke', { token: caller.token }), 'batch tokens cannot be revoked');
    await expectBadRequest(call(root, 'update', 'lookup-accessor', { accessor: '' }), 'missing accessor');
    expect(await store.lookup(caller.token)).toBeDefined();
  });

  it('refuses batch-incompatible create fields', async () => {
    await expectBadRequest(call(root, 'update', 'create', { type: 'batch', policies: ['a'], num_uses: 3 }), 'batch tokens cannot have "num_uses" set');
    await expectBadRequest(call(root, 'update', 'create', { type: 'batch', policies: ['a'], period: '1h' }), 'batch tokens cannot have "period" set');
    await expectBadRequest(
      call(root, 'update', 'create', { type: 'batch', policies: ['a'], explicit_max_ttl: '1h' }),
      'batch tokens cannot have "explicit_max_ttl" set',
    );
    await expectBadRequest(call(root, 'update', 'create', { type: 'batch' }), 'batch tokens cannot be root tokens');
    await expectBadRequest(call(root, 'update', 'create', { type: 'bulk' }), "invalid 'token_type' value");
  });
});
