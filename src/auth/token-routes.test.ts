import { beforeEach, describe, expect, it } from 'vitest';
import type { Operation } from '../core/request.js';
import { isHushError } from '../lib/errors.js';
import type { HushErrorCode } from '../lib/errors.js';
import { createFakeClock } from './testing/fake-clock.js';
import type { FakeClock } from './testing/fake-clock.js';
import { createMapStorage } from './testing/map-storage.js';
import { TokenRoleStore } from './token-role.js';
import { createTokenRoutes, sanitizeDisplayName } from './token-routes.js';
import type { TokenRoutes } from './token-routes.js';
import { toResponseAuth } from './token-response.js';
import { createTokenStore } from './token-store.js';
import type { TokenEntry, TokenRequestContext, TokenStore } from './token-types.js';

let clock: FakeClock;
let store: TokenStore;
let routes: TokenRoutes;
let root: { token: string; entry: TokenEntry };

beforeEach(async () => {
  clock = createFakeClock();
  store = createTokenStore({ storage: createMapStorage(), now: clock.now });
  routes = createTokenRoutes({ store, roles: new TokenRoleStore(createMapStorage()), sweep: () => store.tidy() });
  root = await store.create({ policies: ['root'], id: 'root', displayName: 'root', path: 'auth/token/root' });
});

interface Caller {
  readonly token: string;
  readonly entry: TokenEntry;
}

function call(
  caller: Caller,
  operation: Operation,
  path: string,
  data: Record<string, unknown> = {},
  sudo: readonly string[] = [],
) {
  const ctx: TokenRequestContext = {
    operation,
    path,
    data,
    caller: caller.entry,
    callerToken: caller.token,
    remoteAddress: '127.0.0.1',
    isRoot: caller.entry.policies.includes('root'),
    hasSudo: (p) => sudo.includes(p),
  };
  return routes.handle(ctx);
}

async function expectError(promise: Promise<unknown>, code: HushErrorCode, message?: string) {
  let err: unknown;
  try {
    await promise;
  } catch (e) {
    err = e;
  }
  expect(isHushError(err, code), String(err)).toBe(true);
  if (message !== undefined) expect((err as Error).message).toContain(message);
}

async function userToken(policies: string[], extra: Record<string, unknown> = {}): Promise<Caller> {
  const res = await call(root, 'update', 'create', { policies, ...extra });
  const token = res.auth?.client_token ?? '';
  const entry = await store.lookup(token);
  if (!entry) throw new Error('token not created');
  return { token, entry };
}

describe('create', () => {
  it('answers with Vault’s auth block', async () => {
    const res = await call(root, 'update', 'create', {
      policies: ['app', 'ci'],
      ttl: '1h',
      meta: { team: 'web' },
      display_name: 'deploy bot',
      num_uses: '3',
    });
    expect(res.status).toBe(200);
    expect(res.data).toBeUndefined();
    expect(res.auth).toEqual({
      client_token: expect.stringMatching(/^hvs\./),
      accessor: expect.stringMatching(/^[0-9A-Za-z]{31}$/),
      policies: ['app', 'ci', 'default'],
      token_policies: ['app', 'ci', 'default'],
      metadata: { team: 'web' },
      lease_duration: 3600,
      renewable: true,
      entity_id: '',
      token_type: 'service',
      orphan: false,
      mfa_requirement: null,
      num_uses: 3,
    });
    const entry = await store.lookup(res.auth?.client_token ?? '');
    expect(entry).toMatchObject({ displayName: 'token-deploy-bot', path: 'auth/token/create', numUses: 3 });
    expect(entry?.parentHashedId).toBe(root.entry.hashedId);
  });

  it('gives a root caller’s child root policies when none are asked for', async () => {
    const res = await call(root, 'update', 'create', {});
    expect(res.auth?.policies).toEqual(['root']);
    expect(res.auth?.lease_duration).toBe(0);
    expect(res.auth?.renewable).toBe(false);
  });

  it('accepts policies as a comma-separated string and seconds as numbers', async () => {
    const res = await call(root, 'create', 'create', { policies: 'b,a', ttl: 90, explicit_max_ttl: '2m' });
    expect(res.auth?.policies).toEqual(['a', 'b', 'default']);
    expect(res.auth?.lease_duration).toBe(90);
  });

  it('accepts the deprecated lease field as ttl', async () => {
    const res = await call(root, 'update', 'create', { policies: ['a'], lease: '15m' });
    expect(res.auth?.lease_duration).toBe(900);
  });

  it('reports capped TTLs as warnings', async () => {
    const res = await call(root, 'update', 'create', { policies: ['a'], ttl: '2h', explicit_max_ttl: '1h' });
    expect(res.auth?.lease_duration).toBe(3600);
    expect(res.warnings?.[0]).toContain('explicit max TTL');
  });

  it('lets a non-root caller create only subsets of its policies', async () => {
    const user = await userToken(['a', 'b']);
    expect((await call(user, 'update', 'create', { policies: ['a'] })).auth?.policies).toEqual(['a', 'default']);
    expect((await call(user, 'update', 'create', {})).auth?.policies).toEqual(['a', 'b', 'default']);
    expect((await call(user, 'update', 'create', { policies: ['default'] })).auth?.policies).toEqual(['default']);
    await expectError(call(user, 'update', 'create', { policies: ['a', 'c'] }), 'bad_request', 'subset of parent');
    await expectError(call(user, 'update', 'create', { policies: ['root'] }), 'bad_request', 'parent token being root');
  });

  it('lets a sudo caller create any non-root policies', async () => {
    const admin = await userToken(['admin']);
    const res = await call(admin, 'update', 'create', { policies: ['other'] }, ['auth/token/create']);
    expect(res.auth?.policies).toEqual(['default', 'other']);
    await expectError(
      call(admin, 'update', 'create', { policies: ['root'] }, ['auth/token/create']),
      'bad_request',
      'parent token being root',
    );
  });

  it('needs root or sudo for no_parent, id and period', async () => {
    const user = await userToken(['a']);
    await expectError(call(user, 'update', 'create', { no_parent: true }), 'bad_request', 'orphan');
    await expectError(call(user, 'update', 'create', { id: 'mine' }), 'bad_request', 'token id');
    await expectError(call(user, 'update', 'create', { period: '1h' }), 'bad_request', 'periodic');

    const sudo = ['auth/token/create'];
    const orphan = await call(user, 'update', 'create', { no_parent: true }, sudo);
    expect(orphan.auth?.orphan).toBe(true);
    const periodic = await call(user, 'update', 'create', { period: '30m' }, sudo);
    expect(periodic.auth?.lease_duration).toBe(1800);
    const custom = await call(root, 'update', 'create', { id: 'my-token', policies: ['a'] });
    expect(custom.auth?.client_token).toBe('my-token');
    expect(await store.lookup('my-token')).toBeDefined();
  });

  it('create-orphan makes an orphan without sudo', async () => {
    const user = await userToken(['a']);
    const res = await call(user, 'update', 'create-orphan', { policies: ['a'] });
    expect(res.auth?.orphan).toBe(true);
    const entry = await store.lookup(res.auth?.client_token ?? '');
    expect(entry?.path).toBe('auth/token/create-orphan');
    expect(entry?.parentHashedId).toBeUndefined();
    await expectError(call(user, 'update', 'create-orphan', { policies: ['z'] }), 'bad_request', 'subset');
  });

  it('rejects bad fields', async () => {
    await expectError(call(root, 'update', 'create', { num_uses: -1 }), 'bad_request', 'negative');
    await expectError(call(root, 'update', 'create', { type: 'batch' }), 'bad_request', 'batch');
    await expectError(call(root, 'update', 'create', { type: 'weird' }), 'bad_request', 'type');
    await expectError(call(root, 'update', 'create', { ttl: 'soon' }), 'bad_request', 'ttl');
    await expectError(call(root, 'update', 'create', { meta: { a: 1 } }), 'bad_request', 'meta');
    await expectError(call(root, 'update', 'create', { policies: [1] }), 'bad_request', 'policies');
    await expectError(call(root, 'update', 'create', { no_parent: 'maybe' }), 'bad_request', 'no_parent');
    await expectError(call(root, 'update', 'create', { id: 'a.b' }), 'bad_request', '"."');
  });

  it('accepts type service and renewable false', async () => {
    const res = await call(root, 'update', 'create', { type: 'service', policies: ['a'], renewable: 'false' });
    expect(res.auth?.renewable).toBe(false);
  });

  it('answers unknown roles like Vault', async () => {
    await expectError(call(root, 'update', 'create/builder', {}), 'bad_request', 'unknown role builder');
  });
});

describe('lookup', () => {
  it('lookup-self returns every Vault field for a root token', async () => {
    const res = await call(root, 'read', 'lookup-self');
    expect(res.data).toEqual({
      accessor: root.entry.accessor,
      creation_time: Math.floor(root.entry.creationTime / 1000),
      creation_ttl: 0,
      display_name: 'root',
      entity_id: '',
      expire_time: null,
      explicit_max_ttl: 0,
      id: 'root',
      issue_time: new Date(root.entry.creationTime).toISOString(),
      meta: null,
      num_uses: 0,
      orphan: true,
      path: 'auth/token/root',
      policies: ['root'],
      renewable: false,
      ttl: 0,
      type: 'service',
    });
  });

  it('lookup returns the remaining TTL and the expiry time', async () => {
    const user = await userToken(['a'], { ttl: '1h', meta: { k: 'v' } });
    clock.advance(600);
    const res = await call(root, 'update', 'lookup', { token: user.token });
    expect(res.data).toMatchObject({
      id: user.token,
      ttl: 3000,
      creation_ttl: 3600,
      expire_time: new Date(user.entry.creationTime + 3_600_000).toISOString(),
      meta: { k: 'v' },
      orphan: false,
      policies: ['a', 'default'],
      renewable: true,
    });
    expect(res.data).not.toHaveProperty('period');
  });

  it('lookup by GET takes ?token= and defaults to the caller', async () => {
    const user = await userToken(['a']);
    expect((await call(root, 'read', 'lookup', { token: user.token })).data?.accessor).toBe(user.entry.accessor);
    expect((await call(user, 'read', 'lookup')).data?.id).toBe(user.token);
  });

  it('lookup of an unknown or expired token is denied', async () => {
    await expectError(call(root, 'update', 'lookup', { token: 'hvs.nothing' }), 'permission_denied', 'bad token');
    const user = await userToken(['a'], { ttl: 60 });
    clock.advance(61);
    await expectError(call(root, 'update', 'lookup', { token: user.token }), 'permission_denied');
  });

  it('lookup-accessor hides the id', async () => {
    const user = await userToken(['a'], { period: '10m' });
    const res = await call(root, 'update', 'lookup-accessor', { accessor: user.entry.accessor });
    expect(res.data).toMatchObject({ id: '', accessor: user.entry.accessor, period: 600 });
    const byPath = await call(root, 'update', `lookup-accessor/${user.entry.accessor}`);
    expect(byPath.data?.id).toBe('');
    await expectError(call(root, 'update', 'lookup-accessor', { accessor: 'nope' }), 'bad_request', 'invalid accessor');
    await expectError(call(root, 'update', 'lookup-accessor', {}), 'bad_request', 'missing accessor');
  });

  it('shows renewal times after a renewal', async () => {
    const user = await userToken(['a'], { ttl: '1h' });
    clock.advance(100);
    await call(user, 'update', 'renew-self');
    // The core hands the routes the caller's entry as it is now.
    const fresh = { token: user.token, entry: (await store.lookup(user.token)) as TokenEntry };
    const data = (await call(fresh, 'read', 'lookup-self')).data ?? {};
    expect(data.last_renewal_time).toBe(Math.floor(clock.now() / 1000));
    expect(data.last_renewal).toBe(new Date(clock.now()).toISOString());
    expect(data.ttl).toBe(3600);
    expect(data.creation_ttl).toBe(3600);
  });
});

describe('renew', () => {
  it('renew takes a token and an increment', async () => {
    const user = await userToken(['a'], { ttl: '1h' });
    const res = await call(root, 'update', 'renew', { token: user.token, increment: '2h' });
    expect(res.auth).toMatchObject({ client_token: user.token, accessor: user.entry.accessor, lease_duration: 7200 });
    await expectError(call(root, 'update', 'renew', {}), 'bad_request', 'missing token');
    await expectError(call(root, 'update', 'renew', { token: 'hvs.none' }), 'bad_request', 'token not found');
  });

  it('renew-self renews the caller and refuses root tokens', async () => {
    const user = await userToken(['a'], { ttl: '30m' });
    const res = await call(user, 'update', 'renew-self', { increment: 600 });
    expect(res.auth?.lease_duration).toBe(600);
    await expectError(call(root, 'update', 'renew-self'), 'bad_request', 'not renewable');
  });

  it('renew-accessor hides the token', async () => {
    const user = await userToken(['a'], { ttl: '30m' });
    const res = await call(root, 'update', 'renew-accessor', { accessor: user.entry.accessor });
    expect(res.auth?.client_token).toBe('');
    expect(res.auth?.lease_duration).toBe(1800);
  });
});

describe('revoke', () => {
  it('revoke removes the token and its children, answers 204', async () => {
    const user = await userToken(['a']);
    const child = (await call(user, 'update', 'create', {})).auth?.client_token ?? '';
    const res = await call(root, 'update', 'revoke', { token: user.token });
    expect(res).toEqual({ status: 204 });
    expect(await store.lookup(user.token)).toBeUndefined();
    expect(await store.lookup(child)).toBeUndefined();
    expect(await call(root, 'update', 'revoke', { token: 'hvs.unknown' })).toEqual({ status: 204 });
    await expectError(call(root, 'update', 'revoke', {}), 'bad_request');
  });

  it('revoke-self revokes the caller', async () => {
    const user = await userToken(['a']);
    expect((await call(user, 'update', 'revoke-self')).status).toBe(204);
    expect(await store.lookup(user.token)).toBeUndefined();
  });

  it('revoke-accessor revokes by accessor', async () => {
    const user = await userToken(['a']);
    expect((await call(root, 'update', 'revoke-accessor', { accessor: user.entry.accessor })).status).toBe(204);
    expect(await store.lookup(user.token)).toBeUndefined();
    await expectError(call(root, 'update', 'revoke-accessor', { accessor: user.entry.accessor }), 'bad_request');
  });

  it('revoke-orphan needs sudo and keeps the children', async () => {
    const user = await userToken(['a']);
    const child = (await call(user, 'update', 'create', {})).auth?.client_token ?? '';
    await expectError(call(user, 'update', 'revoke-orphan', { token: user.token }), 'permission_denied');
    const res = await call(user, 'update', 'revoke-orphan', { token: user.token }, ['auth/token/revoke-orphan']);
    expect(res.status).toBe(204);
    expect(await store.lookup(user.token)).toBeUndefined();
    expect((await store.lookup(child))?.orphan).toBe(true);
    await expectError(call(root, 'update', 'revoke-orphan', { token: user.token }), 'bad_request', 'not found');
  });
});

describe('accessors and routing', () => {
  it('lists accessors for root or sudo only', async () => {
    const user = await userToken(['a']);
    const res = await call(root, 'list', 'accessors');
    expect(res.data).toEqual({ keys: [root.entry.accessor, user.entry.accessor].sort() });
    await expectError(call(user, 'list', 'accessors'), 'permission_denied');
    const sudo = await call(user, 'list', 'accessors/', {}, ['auth/token/accessors']);
    expect((sudo.data?.keys as string[]).length).toBe(2);
  });

  it('answers 404 for unknown paths and 405 for wrong operations', async () => {
    await expectError(call(root, 'update', 'nope'), 'not_found');
    await expectError(call(root, 'delete', 'create'), 'unsupported_operation');
    await expectError(call(root, 'read', 'revoke'), 'unsupported_operation');
  });

  it('declares every path with a summary', () => {
    for (const p of routes.paths) expect(p.summary.length).toBeGreaterThan(0);
  });
});

describe('helpers', () => {
  it('sanitises display names like Vault', () => {
    expect(sanitizeDisplayName('')).toBe('token');
    expect(sanitizeDisplayName('ci')).toBe('token-ci');
    expect(sanitizeDisplayName('my app!')).toBe('token-my-app');
  });

  it('toResponseAuth shows no metadata as null and hides a spent use count', () => {
    const auth = toResponseAuth('hvs.x', { ...root.entry, numUses: -1 });
    expect(auth.metadata).toBeNull();
    expect(auth.num_uses).toBe(0);
    expect(auth.client_token).toBe('hvs.x');
  });
});

describe('token roles', () => {
  const writeRole = (name: string, data: Record<string, unknown>) => call(root, 'update', `roles/${name}`, data);

  it('are written, read back with Vault’s fields, listed and deleted', async () => {
    await expectError(call(root, 'list', 'roles'), 'not_found');
    await writeRole('builder', { allowed_policies: 'app,ci', orphan: true, token_period: '1h', path_suffix: 'v1' });
    const read = await call(root, 'read', 'roles/builder');
    expect(read.data).toMatchObject({
      name: 'builder',
      allowed_policies: ['app', 'ci'],
      disallowed_policies: [],
      orphan: true,
      renewable: true,
      path_suffix: 'v1',
      token_period: 3600,
      period: 3600,
      token_type: 'default-service',
    });
    // an update keeps the fields it does not name
    await writeRole('builder', { renewable: false });
    expect((await call(root, 'read', 'roles/builder')).data).toMatchObject({ allowed_policies: ['app', 'ci'], renewable: false, token_period: 3600 });
    expect((await call(root, 'list', 'roles')).data).toEqual({ keys: ['builder'] });
    await call(root, 'delete', 'roles/builder');
    await expectError(call(root, 'read', 'roles/builder'), 'not_found');
  });

  it('refuses bad role fields, storing nothing', async () => {
    await expectError(writeRole('r', { token_type: 'sometimes' }), 'bad_request', "invalid 'token_type'");
    await expectError(writeRole('r', { path_suffix: '../escape' }), 'bad_request', "cannot contain '..'");
    await expectError(writeRole('r', { token_type: 'batch', token_period: '1h' }), 'bad_request', "'token_type' cannot be 'batch'");
    await expectError(writeRole('r', { token_bound_cidrs: 'not-a-cidr' }), 'bad_request');
    await expectError(call(root, 'read', 'roles/r'), 'not_found');
  });

  it('give the allowed policies, refuse others, and let a non-root caller hand out what it does not hold', async () => {
    await writeRole('builder', { allowed_policies: ['app', 'ci'] });
    const user = await userToken(['other']);
    const plain = await call(user, 'update', 'create/builder', {});
    expect(plain.auth?.policies).toEqual(['app', 'ci', 'default']);
    const some = await call(user, 'update', 'create/builder', { policies: ['ci'] });
    expect(some.auth?.policies).toEqual(['ci', 'default']);
    await expectError(call(user, 'update', 'create/builder', { policies: ['app', 'admin'] }), 'bad_request', "must be subset of the role's allowed policies");
    // without the role, the same caller may not
    await expectError(call(user, 'update', 'create', { policies: ['app'] }), 'bad_request', 'child policies must be subset of parent');
  });

  it('apply allowed and disallowed globs, and disallowed names', async () => {
    await writeRole('globs', { allowed_policies_glob: ['team-*'], disallowed_policies_glob: ['*-admin'], disallowed_policies: 'team-secret' });
    expect((await call(root, 'update', 'create/globs', { policies: 'team-a,team-b' })).auth?.policies).toEqual(['default', 'team-a', 'team-b']);
    await expectError(call(root, 'update', 'create/globs', { policies: 'team-admin' }), 'bad_request', 'token policy "team-admin" is disallowed by this role');
    await expectError(call(root, 'update', 'create/globs', { policies: 'team-secret' }), 'bad_request', 'is disallowed by this role');
    await expectError(call(root, 'update', 'create/globs', { policies: 'ops' }), 'bad_request', 'must be subset');

    // disallowing default keeps it off the token
    await writeRole('nodefault', { allowed_policies: 'app', disallowed_policies: 'default' });
    expect((await call(root, 'update', 'create/nodefault', {})).auth?.policies).toEqual(['app']);
    await expectError(call(root, 'update', 'create/nodefault', { policies: 'app,default' }), 'bad_request', 'must be subset');
    await writeRole('nodefault2', { disallowed_policies: 'default' });
    await expectError(call(root, 'update', 'create/nodefault2', { policies: 'app,default' }), 'bad_request', 'token policy "default" is disallowed');
  });

  it('with only disallowed policies: the parent’s policies, less what is disallowed', async () => {
    await writeRole('deny', { disallowed_policies: 'admin' });
    const user = await userToken(['app', 'admin']);
    await expectError(call(user, 'update', 'create/deny', {}), 'bad_request', 'token policy "admin" is disallowed');
    expect((await call(user, 'update', 'create/deny', { policies: 'app' })).auth?.policies).toEqual(['app', 'default']);
    await expectError(call(user, 'update', 'create/deny', { policies: 'ops' }), 'bad_request', 'child policies must be subset of parent when role contains no allowed_policies');
  });

  it('make orphans, cap the period, explicit max TTL and uses, bind CIDRs and add the path suffix', async () => {
    await writeRole('ci', {
      allowed_policies: 'app',
      orphan: true,
      renewable: false,
      token_explicit_max_ttl: '2h',
      token_period: '30m',
      token_num_uses: 5,
      token_bound_cidrs: '10.0.0.0/8',
      path_suffix: 'pipelines',
    });
    const res = await call(root, 'update', 'create/ci', { explicit_max_ttl: '4h', num_uses: 3, no_parent: false });
    expect(res.warnings).toEqual(['Explicit max TTL specified both during creation call and in role; using the lesser value of 7200 seconds', 'Number of uses specified both during creation call and in role; using the lesser value of 3']);
    const entry = await store.lookup(res.auth!.client_token);
    expect(entry).toMatchObject({
      orphan: true,
      renewable: false,
      explicitMaxTtl: 7200,
      period: 1800,
      ttl: 1800,
      numUses: 3,
      boundCidrs: ['10.0.0.0/8'],
      path: 'auth/token/create/ci/pipelines',
    });
    expect(entry?.parentHashedId).toBeUndefined();
  });

  it('decide the token kind with the request’s type as Vault does', async () => {
    await writeRole('any', { allowed_policies: 'app' });
    await writeRole('batchy', { allowed_policies: 'app', token_type: 'default-batch' });
    await writeRole('only-service', { allowed_policies: 'app', token_type: 'service' });
    expect((await call(root, 'update', 'create/any', {})).auth?.token_type).toBe('service');
    expect((await call(root, 'update', 'create/any', { type: 'batch' })).auth?.token_type).toBe('batch');
    expect((await call(root, 'update', 'create/batchy', {})).auth?.token_type).toBe('batch');
    expect((await call(root, 'update', 'create/batchy', { type: 'service' })).auth?.token_type).toBe('service');
    expect((await call(root, 'update', 'create/only-service', { type: 'batch' })).auth?.token_type).toBe('service');
  });

  it("renew under the role's current period and explicit max TTL, and not once the role is gone", async () => {
    await writeRole('periodic', { allowed_policies: 'app', token_period: '30m', path_suffix: 'v2' });
    const created = await call(root, 'update', 'create/periodic', {});
    const token = created.auth!.client_token;
    expect(created.auth?.lease_duration).toBe(1800);
    const renew = async () => (await call(root, 'update', 'renew', { token })).auth?.lease_duration;
    expect(await renew()).toBe(1800);

    // the role changes: the next renewal follows it, whatever the token was made with
    await writeRole('periodic', { allowed_policies: 'app', token_period: '2h', token_explicit_max_ttl: '3h', path_suffix: 'v2' });
    expect(await renew()).toBe(7200);
    clock.advance(5400);
    const capped = await call(root, 'update', 'renew', { token });
    expect(capped.auth?.lease_duration).toBe(5400);
    expect(capped.warnings?.[0]).toContain('Period value is capped');

    // an increment does not lengthen a periodic token's renewal, as in Vault
    expect((await call(root, 'update', 'renew', { token, increment: '10h' })).auth?.lease_duration).toBe(5400);

    await call(root, 'delete', 'roles/periodic');
    await expectError(call(root, 'update', 'renew', { token }), 'bad_request', 'original token role "periodic" could not be found, not renewing');
    // a token made without a role is not affected
    const plain = await userToken(['app'], { ttl: '1h' });
    expect((await call(plain, 'update', 'renew-self', {})).auth?.lease_duration).toBe(3600);
  });
});
