/**
 * Token leases through real HTTP on a real server (SQLite): `sys/leases/*` lookup, list, renew,
 * revoke and revoke-prefix with Vault's rules (sudo for listing and prefixes), disabling an auth
 * method logging out every token it issued (batch tokens too), and expired tokens leaving storage
 * by `auth/token/tidy`, `sys/leases/tidy` and the background sweep (expired AppRole secret IDs too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let root: string;

async function ok(method: string, path: string, body?: unknown, token = root): Promise<any> {
  const res = await api(s, method, path, { token, body });
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
  return res.body;
}

/** Enables AppRole at `mount` with a role `ci` of the given token type; returns a login. */
async function approleAt(mount: string, tokenType = 'service'): Promise<() => Promise<string>> {
  await ok('PUT', `sys/auth/${mount}`, { type: 'approle' });
  await ok('PUT', `auth/${mount}/role/ci`, { token_policies: 'default', token_ttl: '10m', token_type: tokenType });
  const roleId = (await ok('GET', `auth/${mount}/role/ci/role-id`)).data.role_id as string;
  return async () => {
    const secretId = (await ok('POST', `auth/${mount}/role/ci/secret-id`)).data.secret_id as string;
    return (await ok('POST', `auth/${mount}/login`, { role_id: roleId, secret_id: secretId })).auth.client_token as string;
  };
}

const selfStatus = async (token: string) => (await api(s, 'GET', 'auth/token/lookup-self', { token })).status;

/** The lease IDs of the tokens `mount` issued, by listing (root). */
async function leaseIds(mount: string): Promise<string[]> {
  const res = await api(s, 'LIST', `sys/leases/lookup/auth/${mount}/login/`, { token: root });
  if (res.status === 404) return [];
  expect(res.status).toBe(200);
  return (res.body.data.keys as string[]).map((k) => `auth/${mount}/login/${k}`);
}

beforeAll(async () => {
  s = await startTestServer({ sweepIntervalMs: 300 });
  root = s.rootToken;
});
afterAll(async () => {
  await s?.close();
});

describe('sys/leases', () => {
  it('lists token leases one level at a time (sudo), and looks one up', async () => {
    const login = await approleAt('approle');
    const token = await login();
    expect((await ok('LIST', 'sys/leases/lookup/auth/')).data.keys).toEqual(expect.arrayContaining(['approle/', 'token/']));
    const [leaseId] = await leaseIds('approle');
    expect(leaseId).toBeDefined();
    expect(leaseId).not.toContain(token.slice(4));

    const lookup = await ok('PUT', 'sys/leases/lookup', { lease_id: leaseId });
    expect(lookup.data.id).toBe(leaseId);
    expect(lookup.data.renewable).toBe(true);
    expect(lookup.data.ttl).toBeGreaterThan(590);
    expect(lookup.data.ttl).toBeLessThanOrEqual(600);
    expect(Date.parse(lookup.data.expire_time) - Date.parse(lookup.data.issue_time)).toBe(600_000);
    expect(lookup.data.last_renewal_time).toBeNull();

    // Listing needs sudo; the AppRole token's default policy has none.
    expect((await api(s, 'LIST', 'sys/leases/lookup/auth/', { token })).status).toBe(403);
    expect((await api(s, 'LIST', 'sys/leases/lookup/', { token })).status).toBe(403);
  });

  it('refuses with Vault-shaped errors: unknown lease, missing ID, renewing a token lease', async () => {
    const [leaseId] = await leaseIds('approle');
    const unknown = await api(s, 'PUT', 'sys/leases/lookup', { token: root, body: { lease_id: 'auth/approle/login/nope' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toEqual({ errors: ['invalid lease'] });
    const missing = await api(s, 'PUT', 'sys/leases/lookup', { token: root, body: {} });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toContain('lease_id');
    const renew = await api(s, 'PUT', 'sys/leases/renew', { token: root, body: { lease_id: leaseId } });
    expect(renew.status).toBe(400);
    expect(renew.body.errors[0]).toContain('auth/token/renew');
    expect((await api(s, 'LIST', 'sys/leases/lookup/auth/nothing/', { token: root })).status).toBe(404);
  });

  it('revokes one lease (also by the older sys/revoke/:id), and a missing one quietly', async () => {
    const login = await approleAt('approle-revoke');
    const [a, b] = [await login(), await login()];
    const ids = await leaseIds('approle-revoke');
    expect(ids).toHaveLength(2);
    const first = ids[0]!;
    expect((await api(s, 'PUT', 'sys/leases/revoke', { token: root, body: { lease_id: first } })).status).toBe(204);
    expect((await api(s, 'PUT', 'sys/leases/revoke', { token: root, body: { lease_id: first } })).status).toBe(204);
    expect((await api(s, 'PUT', `sys/revoke/${ids[1]}`, { token: root })).status).toBe(204);
    expect(await selfStatus(a)).toBe(403);
    expect(await selfStatus(b)).toBe(403);
    expect(await leaseIds('approle-revoke')).toEqual([]);
  });

  it('revokes every token an auth mount issued, and their children, by prefix (sudo), never a sibling mount', async () => {
    const login = await approleAt('deploy');
    const sibling = await approleAt('deploy-ci');
    const tokens = [await login(), await login()];
    const other = await sibling();
    // a child token made by one of the mount's tokens goes with its parent
    await ok('PUT', 'sys/policies/acl/child-maker', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
    await ok('PUT', 'auth/deploy/role/ci', { token_policies: 'default,child-maker', token_ttl: '10m' });
    const parent = await login();
    const child = (await ok('POST', 'auth/token/create', { policies: ['default'] }, parent)).auth.client_token as string;

    expect((await api(s, 'PUT', 'sys/leases/revoke-prefix/auth/deploy/', { token: parent })).status).toBe(403);
    expect((await api(s, 'PUT', 'sys/leases/revoke-prefix/auth/deploy', { token: root, body: { prefix: 'auth/deploy' } })).status).toBe(204);
    for (const t of [...tokens, parent, child]) expect(await selfStatus(t)).toBe(403);
    expect(await selfStatus(other)).toBe(200);
    expect(await leaseIds('deploy')).toEqual([]);
    // revoke-force is the same for tokens
    expect((await api(s, 'PUT', 'sys/leases/revoke-force/auth/deploy-ci/', { token: root })).status).toBe(204);
    expect(await selfStatus(other)).toBe(403);
  });
});

describe('disabling an auth method', () => {
  it('logs out every token it issued, service and batch, and a method enabled again starts clean', async () => {
    const service = await approleAt('gone');
    const serviceTokens = [await service(), await service()];
    await ok('PUT', 'auth/gone/role/batch', { token_policies: 'default', token_ttl: '10m', token_type: 'batch' });
    const roleId = (await ok('GET', 'auth/gone/role/batch/role-id')).data.role_id as string;
    const secretId = (await ok('POST', 'auth/gone/role/batch/secret-id')).data.secret_id as string;
    const batch = (await ok('POST', 'auth/gone/login', { role_id: roleId, secret_id: secretId })).auth.client_token as string;
    expect(batch.startsWith('hvb.')).toBe(true);
    for (const t of [...serviceTokens, batch]) expect(await selfStatus(t)).toBe(200);

    expect((await api(s, 'DELETE', 'sys/auth/gone', { token: root })).status).toBe(204);
    for (const t of [...serviceTokens, batch]) expect(await selfStatus(t)).toBe(403);
    expect(await leaseIds('gone')).toEqual([]);

    const again = await approleAt('gone');
    expect(await selfStatus(await again())).toBe(200);
    expect(await selfStatus(serviceTokens[0]!)).toBe(403);
    // the unexpired batch token of the first mount names that mount: the new one refuses it
    expect(await selfStatus(batch)).toBe(403);
  });
});

describe('expired tokens leave storage', () => {
  const accessors = async () => (await ok('LIST', 'auth/token/accessors')).data.keys as string[];

  it('on auth/token/tidy and sys/leases/tidy, with a count', async () => {
    const mine = (await ok('POST', 'auth/token/create', { ttl: '1s', policies: ['default'] })).auth.accessor as string;
    expect(await accessors()).toContain(mine);
    await new Promise((r) => setTimeout(r, 1100));
    // the sweep may have run meanwhile: then tidy finds nothing left to do
    const tidy = await api(s, 'POST', 'auth/token/tidy', { token: root });
    expect(tidy.status).toBe(202);
    expect(tidy.body.warnings[0]).toMatch(/^Tidy operation finished: \d+ expired or invalid token\(s\) removed\.$/);
    // (a background sweep already running when tidy was asked for is joined; it may finish the job)
    await expect.poll(accessors, { timeout: 5000, interval: 100 }).not.toContain(mine);
    const sys = await api(s, 'POST', 'sys/leases/tidy', { token: root });
    expect(sys.status).toBe(202);
    expect(sys.body.warnings[0]).toMatch(/^Tidy operation finished: \d+ expired or invalid token lease\(s\) removed\.$/);
  });

  it('by the background sweep, with no request touching them', async () => {
    const created = await Promise.all(
      [1, 2, 3].map(async () => (await ok('POST', 'auth/token/create', { ttl: '1s', policies: ['default'] })).auth.accessor as string),
    );
    expect(await accessors()).toEqual(expect.arrayContaining(created));
    await expect
      .poll(async () => (await accessors()).filter((a) => created.includes(a)), { timeout: 10_000, interval: 200 })
      .toEqual([]);
  });

  it("by the background sweep: AppRole secret IDs past their TTL, not the others'", async () => {
    await approleAt('sweep-ci');
    await ok('PUT', 'auth/sweep-ci/role/short', { token_policies: 'default', secret_id_ttl: '1s' });
    await ok('POST', 'auth/sweep-ci/role/short/secret-id');
    await ok('POST', 'auth/sweep-ci/role/short/secret-id');
    const lasting = (await ok('POST', 'auth/sweep-ci/role/ci/secret-id')).data.secret_id_accessor as string;
    const secretIds = async (role: string) => {
      const res = await api(s, 'LIST', `auth/sweep-ci/role/${role}/secret-id`, { token: root });
      return res.status === 404 ? [] : (res.body.data.keys as string[]);
    };
    expect(await secretIds('short')).toHaveLength(2);
    await expect.poll(() => secretIds('short'), { timeout: 10_000, interval: 200 }).toEqual([]);
    expect(await secretIds('ci')).toContain(lasting);
  });
});
