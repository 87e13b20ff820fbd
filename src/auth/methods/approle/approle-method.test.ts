import { beforeEach, describe, expect, it } from 'vitest';
import { MapStorage } from '../../../engines/testing/map-storage.js';
import { createFakeClock } from '../../testing/fake-clock.js';
import type { FakeClock } from '../../testing/fake-clock.js';
import type { Operation } from '../../../core/request.js';
import type { AuthMethod, AuthRequest, AuthResponse } from '../auth-method.js';
import { createAppRoleMethod } from './approle-method.js';
import { cidrsWithin } from './secret-id-fields.js';

let storage: MapStorage;
let clock: FakeClock;
let method: AuthMethod;
let n = 0;

function req(operation: Operation, path: string, data: Record<string, unknown> = {}, remoteAddress = '127.0.0.1'): AuthRequest {
  n += 1;
  return { id: `r${n}`, operation, path, data, query: {}, headers: {}, mountPoint: 'approle/', remoteAddress };
}
const call = (operation: Operation, path: string, data: Record<string, unknown> = {}, remoteAddress?: string): Promise<AuthResponse> =>
  method.handle(req(operation, path, data, remoteAddress));

async function roleWithSecret(name = 'ci', role: Record<string, unknown> = {}, secret: Record<string, unknown> = {}) {
  await call('update', `role/${name}`, { token_policies: 'app-read', ...role });
  const roleId = (await call('read', `role/${name}/role-id`)).data!['role_id'] as string;
  const s = (await call('update', `role/${name}/secret-id`, secret)).data!;
  return { roleId, secretId: s['secret_id'] as string, accessor: s['secret_id_accessor'] as string };
}

beforeEach(async () => {
  storage = new MapStorage();
  clock = createFakeClock();
  method = await createAppRoleMethod({
    view: storage,
    mount: { path: 'approle/', type: 'approle', description: '', options: {}, config: {} },
    now: clock.now,
  });
});

describe('roles', () => {
  it('creates, reads with Vault field names, lists and deletes', async () => {
    await expect(call('list', 'role')).rejects.toMatchObject({ code: 'not_found' });
    const res = await call('update', 'role/ci', {
      token_policies: ['App-Read', 'deploy'],
      token_ttl: '10m',
      token_max_ttl: 3600,
      secret_id_ttl: '1h',
      secret_id_num_uses: 3,
      token_bound_cidrs: '10.0.0.0/8',
      token_num_uses: 5,
      token_period: 0,
      token_explicit_max_ttl: '2h',
      token_no_default_policy: true,
      secret_id_bound_cidrs: ['127.0.0.1'],
      enable_local_secret_ids: false,
    });
    expect(res.data ?? null).toBeNull();
    const read = (await call('read', 'role/ci')).data;
    expect(read).toEqual({
      bind_secret_id: true,
      local_secret_ids: false,
      secret_id_bound_cidrs: ['127.0.0.1/32'],
      secret_id_num_uses: 3,
      secret_id_ttl: 3600,
      token_bound_cidrs: ['10.0.0.0/8'],
      token_explicit_max_ttl: 7200,
      token_max_ttl: 3600,
      token_no_default_policy: true,
      token_num_uses: 5,
      token_period: 0,
      token_policies: ['app-read', 'deploy'],
      token_ttl: 600,
      token_type: 'default',
    });
    await call('update', 'role/other', { policies: 'a' });
    expect((await call('read', 'role/other')).data).toMatchObject({ policies: ['a'], token_policies: ['a'] });
    expect((await call('list', 'role')).data).toEqual({ keys: ['ci', 'other'] });
    await call('delete', 'role/ci');
    await expect(call('read', 'role/ci')).rejects.toMatchObject({ code: 'not_found' });
    expect((await call('list', 'role')).data).toEqual({ keys: ['other'] });
  });

  it('updates only the fields given', async () => {
    await call('update', 'role/ci', { token_policies: 'a', token_ttl: 60 });
    await call('update', 'role/ci', { token_ttl: 120 });
    expect((await call('read', 'role/ci')).data).toMatchObject({ token_policies: ['a'], token_ttl: 120 });
  });

  it('refuses batch roles with a period or use limit, unbound roles, bad names and bad values with clear 400s', async () => {
    await expect(call('update', 'role/ci', { token_type: 'batch', token_period: '1h' })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('periodic tokens'),
    });
    await expect(call('update', 'role/ci', { token_type: 'default-batch', token_num_uses: 2 })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('limited use count'),
    });
    await expect(call('update', 'role/ci', { token_type: 'bulk' })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining("invalid 'token_type' value"),
    });
    await expect(call('update', 'role/ci', { bind_secret_id: false })).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('at least one constraint'),
    });
    await call('update', 'role/open', { bind_secret_id: false, secret_id_bound_cidrs: '10.0.0.0/8' });
    await expect(call('update', 'role/b@d!', {})).rejects.toMatchObject({ code: 'not_found' });
    await expect(call('update', 'role/ci', { token_ttl: 'soon' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('update', 'role/ci', { token_ttl: 100, token_max_ttl: 50 })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('update', 'role/ci', { secret_id_num_uses: -1 })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('update', 'role/ci', { token_bound_cidrs: 'nope' })).rejects.toMatchObject({ code: 'bad_request' });
    await call('update', 'role/svc', { token_type: 'service' });
    expect((await call('read', 'role/svc')).data).toMatchObject({ token_type: 'service' });
    // A use limit set earlier blocks a later switch to batch: the combination is checked.
    await call('update', 'role/limited', { token_num_uses: 2 });
    await expect(call('update', 'role/limited', { token_type: 'batch' })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('stores every Vault token_type value and hands it to the core with the login (which resolves it under the mount)', async () => {
    for (const tokenType of ['batch', 'default-batch', 'service', 'default-service', 'default'] as const) {
      const { roleId, secretId } = await roleWithSecret(`r-${tokenType}`, { token_type: tokenType });
      expect((await call('read', `role/r-${tokenType}`)).data).toMatchObject({ token_type: tokenType });
      const res = await method.handle(req('update', 'login', { role_id: roleId, secret_id: secretId }));
      expect(res.login?.tokenType).toBe(tokenType);
    }
  });

  it('reads and sets the role ID, unique across roles', async () => {
    await call('update', 'role/a', {});
    await call('update', 'role/b', {});
    const a = (await call('read', 'role/a/role-id')).data!['role_id'];
    expect(a).toMatch(/^[0-9a-f-]{36}$/);
    await call('update', 'role/a/role-id', { role_id: 'custom-a' });
    expect((await call('read', 'role/a/role-id')).data).toEqual({ role_id: 'custom-a' });
    await expect(call('update', 'role/b/role-id', { role_id: 'custom-a' })).rejects.toMatchObject({ message: 'role_id already in use' });
    await expect(call('update', 'role/c', { role_id: 'custom-a' })).rejects.toMatchObject({ message: 'role_id already in use' });
    await expect(call('read', 'role/zzz/role-id')).rejects.toMatchObject({ message: 'role "zzz" does not exist' });
  });
});

describe('secret IDs', () => {
  it('generates, lists, looks up and destroys by secret ID and by accessor', async () => {
    await call('update', 'role/ci', { secret_id_ttl: 600, secret_id_num_uses: 10 });
    const gen = (await call('update', 'role/ci/secret-id', { metadata: '{"host":"runner-1"}', num_uses: 2 })).data!;
    expect(Object.keys(gen).sort()).toEqual(['secret_id', 'secret_id_accessor', 'secret_id_num_uses', 'secret_id_ttl']);
    expect(gen).toMatchObject({ secret_id_ttl: 600, secret_id_num_uses: 2 });
    const lookup = (await call('update', 'role/ci/secret-id/lookup', { secret_id: gen['secret_id'] })).data!;
    expect(lookup).toEqual({
      cidr_list: [],
      creation_time: '2026-01-01T12:00:00.000Z',
      expiration_time: '2026-01-01T12:10:00.000Z',
      last_updated_time: '2026-01-01T12:00:00.000Z',
      metadata: { host: 'runner-1' },
      secret_id_accessor: gen['secret_id_accessor'],
      secret_id_num_uses: 2,
      secret_id_ttl: 600,
      token_bound_cidrs: [],
    });
    const byAccessor = await call('update', 'role/ci/secret-id-accessor/lookup', { secret_id_accessor: gen['secret_id_accessor'] });
    expect(byAccessor.data).toEqual(lookup);
    const second = (await call('update', 'role/ci/secret-id', {})).data!;
    expect(second).toMatchObject({ secret_id_ttl: 600, secret_id_num_uses: 10 });
    expect(((await call('list', 'role/ci/secret-id')).data!['keys'] as string[]).sort()).toEqual(
      [gen['secret_id_accessor'], second['secret_id_accessor']].sort(),
    );
    await call('update', 'role/ci/secret-id/destroy', { secret_id: gen['secret_id'] });
    expect(await call('update', 'role/ci/secret-id/lookup', { secret_id: gen['secret_id'] })).toEqual({ status: 204 });
    await call('update', 'role/ci/secret-id-accessor/destroy', { secret_id_accessor: second['secret_id_accessor'] });
    await expect(call('list', 'role/ci/secret-id')).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      call('update', 'role/ci/secret-id-accessor/lookup', { secret_id_accessor: second['secret_id_accessor'] }),
    ).rejects.toMatchObject({ code: 'bad_request' });
  });

  it("enforces the role's limits on num_uses, ttl and CIDR lists, and metadata's shape", async () => {
    await call('update', 'role/ci', { secret_id_ttl: 600, secret_id_num_uses: 5, secret_id_bound_cidrs: '10.0.0.0/8' });
    await expect(call('update', 'role/ci/secret-id', { num_uses: 6 })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('update', 'role/ci/secret-id', { ttl: '2h' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('update', 'role/ci/secret-id', { cidr_list: '192.168.0.0/16' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('update', 'role/ci/secret-id', { metadata: 'not json' })).rejects.toMatchObject({ code: 'bad_request' });
    await expect(call('update', 'role/ci/secret-id', { metadata: '{"a":1}' })).rejects.toMatchObject({ code: 'bad_request' });
    const ok = await call('update', 'role/ci/secret-id', { cidr_list: ['10.1.0.0/16'], ttl: '5m', num_uses: 1 });
    expect(ok.data).toMatchObject({ secret_id_ttl: 300, secret_id_num_uses: 1 });
    await expect(call('update', 'role/nope/secret-id', {})).rejects.toMatchObject({ message: 'role "nope" does not exist' });
    await call('update', 'role/open', { bind_secret_id: false, secret_id_bound_cidrs: '10.0.0.0/8' });
    await expect(call('update', 'role/open/secret-id', {})).rejects.toMatchObject({ message: 'bind_secret_id is not set on the role' });
  });

  it('registers custom secret IDs once', async () => {
    await call('update', 'role/ci', {});
    const res = await call('update', 'role/ci/custom-secret-id', { secret_id: 'pushed-secret-1', ttl: 60 });
    expect(res.data).toMatchObject({ secret_id: 'pushed-secret-1', secret_id_ttl: 60, secret_id_num_uses: 0 });
    await expect(call('update', 'role/ci/custom-secret-id', { secret_id: 'pushed-secret-1' })).rejects.toMatchObject({
      message: 'SecretID is already registered',
    });
    await expect(call('update', 'role/ci/custom-secret-id', {})).rejects.toMatchObject({ message: 'missing secret_id' });
  });

  it('stores secret IDs and role IDs only as HMACs', async () => {
    await call('update', 'role/ci', { role_id: 'visible-role-id-123' });
    await call('update', 'role/ci/custom-secret-id', { secret_id: 'my-very-secret-id-42' });
    const generated = (await call('update', 'role/ci/secret-id', {})).data!['secret_id'] as string;
    const dump = [...storage.entries].map(([k, v]) => k + '\n' + Buffer.from(v).toString('latin1')).join('\n');
    expect(dump).not.toContain('my-very-secret-id-42');
    expect(dump).not.toContain(generated);
    expect(storage.keys().some((k) => k.includes('visible-role-id-123'))).toBe(false);
    expect(storage.keys()).toContain('hmac-key');
  });

  it('deleting a role removes its secret IDs, and a re-created role does not inherit them', async () => {
    const { secretId } = await roleWithSecret('ci');
    await call('delete', 'role/ci');
    expect(storage.keys().filter((k) => k.startsWith('secret-id/') || k.startsWith('accessor/'))).toEqual([]);
    await call('update', 'role/ci', {});
    expect(await call('update', 'role/ci/secret-id/lookup', { secret_id: secretId })).toEqual({ status: 204 });
  });
});

describe('login', () => {
  it('returns who logged in: policies, metadata, alias and token limits', async () => {
    const { roleId, secretId } = await roleWithSecret(
      'ci',
      { token_ttl: '20m', token_max_ttl: '1h', token_num_uses: 3, token_bound_cidrs: '127.0.0.0/8', token_period: 0 },
      { metadata: JSON.stringify({ env: 'prod' }) },
    );
    const loginReq = req('update', 'login', { role_id: roleId, secret_id: secretId });
    expect(method.isUnauthenticatedPath('login')).toBe(true);
    expect(method.isUnauthenticatedPath('role/ci')).toBe(false);
    expect(method.loginIdentifier?.(loginReq)).toBe(roleId);
    const res = await method.handle(loginReq);
    expect(res.login).toEqual({
      policies: ['app-read'],
      noDefaultPolicy: false,
      metadata: { env: 'prod', role_name: 'ci' },
      displayName: 'ci',
      ttl: 1200,
      maxTtl: 3600,
      explicitMaxTtl: 0,
      period: 0,
      numUses: 3,
      boundCidrs: ['127.0.0.0/8'],
      renewable: true,
      tokenType: 'default',
      aliasName: roleId,
    });
  });

  it('gives the same error for a wrong role ID and a wrong secret ID', async () => {
    const { roleId, secretId } = await roleWithSecret();
    const wrongRole = call('update', 'login', { role_id: 'nope', secret_id: secretId });
    const wrongSecret = call('update', 'login', { role_id: roleId, secret_id: 'nope' });
    await expect(wrongRole).rejects.toMatchObject({ code: 'bad_request', message: 'invalid role or secret ID' });
    await expect(wrongSecret).rejects.toMatchObject({ code: 'bad_request', message: 'invalid role or secret ID' });
    await expect(call('update', 'login', { secret_id: secretId })).rejects.toMatchObject({ message: 'missing role_id' });
    await expect(call('update', 'login', { role_id: roleId, secret_id: null })).rejects.toMatchObject({ message: 'missing secret_id' });
  });

  it('lets exactly one of two concurrent logins use a single-use secret ID', async () => {
    const { roleId, secretId } = await roleWithSecret('ci', {}, { num_uses: 1 });
    const results = await Promise.allSettled([
      call('update', 'login', { role_id: roleId, secret_id: secretId }),
      call('update', 'login', { role_id: roleId, secret_id: secretId }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
    expect(storage.keys().filter((k) => k.startsWith('secret-id/') || k.startsWith('accessor/'))).toEqual([]);
  });

  it('counts uses down atomically under heavy concurrency', async () => {
    const { roleId, secretId } = await roleWithSecret('ci', {}, { num_uses: 5 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => call('update', 'login', { role_id: roleId, secret_id: secretId })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
  });

  it('shows the remaining uses in lookup', async () => {
    const { roleId, secretId } = await roleWithSecret('ci', {}, { num_uses: 3 });
    await call('update', 'login', { role_id: roleId, secret_id: secretId });
    clock.advance(5);
    const lookup = (await call('update', 'role/ci/secret-id/lookup', { secret_id: secretId })).data!;
    expect(lookup['secret_id_num_uses']).toBe(2);
    expect(lookup['last_updated_time']).toBe('2026-01-01T12:00:00.000Z');
  });

  it('refuses an expired secret ID and removes it', async () => {
    const { roleId, secretId } = await roleWithSecret('ci', {}, { ttl: 60 });
    await call('update', 'login', { role_id: roleId, secret_id: secretId });
    clock.advance(61);
    await expect(call('update', 'login', { role_id: roleId, secret_id: secretId })).rejects.toMatchObject({
      message: 'invalid role or secret ID',
    });
    expect(storage.keys().filter((k) => k.startsWith('secret-id/'))).toEqual([]);
  });

  it('applies CIDR bindings of the secret ID and of the role', async () => {
    const { roleId, secretId } = await roleWithSecret('ci', { secret_id_bound_cidrs: '10.0.0.0/8' }, { cidr_list: '10.1.0.0/16' });
    await expect(call('update', 'login', { role_id: roleId, secret_id: secretId }, '192.168.1.1')).rejects.toMatchObject({
      code: 'bad_request',
      message: expect.stringContaining('CIDR restrictions on the secret ID'),
    });
    await expect(call('update', 'login', { role_id: roleId, secret_id: secretId }, '10.1.2.3')).resolves.toHaveProperty('login');
    await call('update', 'role/open', { bind_secret_id: false, secret_id_bound_cidrs: '10.0.0.0/8' });
    const openId = (await call('read', 'role/open/role-id')).data!['role_id'];
    await expect(call('update', 'login', { role_id: openId }, '127.0.0.1')).rejects.toMatchObject({
      message: expect.stringContaining('CIDR restrictions on the role'),
    });
    await expect(call('update', 'login', { role_id: openId }, '::ffff:10.9.9.9')).resolves.toHaveProperty('login');
  });

  it('token_bound_cidrs of the secret ID override the role’s', async () => {
    const { roleId, secretId } = await roleWithSecret('ci', { token_bound_cidrs: '10.0.0.0/8' }, { token_bound_cidrs: '10.5.0.0/16' });
    const res = await call('update', 'login', { role_id: roleId, secret_id: secretId });
    expect(res.login?.boundCidrs).toEqual(['10.5.0.0/16']);
  });
});

describe('tidy and helpers', () => {
  it('tidy removes expired secret IDs only', async () => {
    await call('update', 'role/ci', {});
    await call('update', 'role/ci/secret-id', { ttl: 10 });
    const keep = (await call('update', 'role/ci/secret-id', {})).data!['secret_id_accessor'];
    clock.advance(11);
    await call('update', 'tidy/secret-id');
    expect((await call('list', 'role/ci/secret-id')).data).toEqual({ keys: [keep] });
  });

  it('cidrsWithin checks containment', () => {
    expect(cidrsWithin(['10.1.0.0/16'], ['10.0.0.0/8'])).toBe(true);
    expect(cidrsWithin(['10.0.0.0/8'], ['10.1.0.0/16'])).toBe(false);
    expect(cidrsWithin(['11.0.0.1/32'], ['10.0.0.0/8'])).toBe(false);
    expect(cidrsWithin([], ['10.0.0.0/8'])).toBe(true);
  });
});

describe('per-field role endpoints', () => {
  it('read, set and reset one field', async () => {
    await call('update', 'role/ci', { token_policies: 'a', token_ttl: 60 });
    expect((await call('read', 'role/ci/policies')).data).toEqual({ policies: ['a'], token_policies: ['a'] });
    await call('update', 'role/ci/policies', { token_policies: 'b,c' });
    await call('update', 'role/ci/token-ttl', { token_ttl: '2m' });
    await call('update', 'role/ci/period', { period: 30 });
    expect((await call('read', 'role/ci')).data).toMatchObject({ token_policies: ['b', 'c'], token_ttl: 120, token_period: 30 });
    expect((await call('read', 'role/ci/period')).data).toEqual({ period: 30, token_period: 30 });
    await call('delete', 'role/ci/token-ttl');
    expect((await call('read', 'role/ci/token-ttl')).data).toEqual({ token_ttl: 0 });
    await expect(call('update', 'role/ci/token-ttl', {})).rejects.toMatchObject({ message: 'missing token_ttl' });
    await expect(call('read', 'role/none/token-ttl')).rejects.toMatchObject({ code: 'bad_request' });
    await call('update', 'role/open', { bind_secret_id: false, secret_id_bound_cidrs: '10.0.0.0/8' });
    await expect(call('delete', 'role/open/secret-id-bound-cidrs')).rejects.toMatchObject({ code: 'bad_request' });
  });
});

describe('role ID uniqueness under concurrency', () => {
  it('two roles created at once with the same role_id: exactly one succeeds', async () => {
    const results = await Promise.allSettled([
      call('update', 'role/a', { role_id: 'same-id' }),
      call('update', 'role/b', { role_id: 'same-id' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });
});
