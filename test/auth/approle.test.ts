/**
 * AppRole through real HTTP on a real server: role and secret-ID management, login, a
 * policy-limited token reading an allowed KV v2 secret and refused another, a single-use secret
 * ID raced by two concurrent logins, expiry, CIDR bindings (logins sent from chosen loopback
 * source addresses), lockout with `sys/locked-users` and unlock, and an audit log without any
 * secret ID in clear.
 *
 * The core counts failed logins per role ID and per source address, so every test that fails
 * logins on purpose uses its own mount or its own source address.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiFrom, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let root: string;
let auditPath: string;
const secretsSeen: string[] = [];

beforeAll(async () => {
  s = await startTestServer({ storage: 'memory' });
  root = s.rootToken;
  auditPath = join(s.dataDir, 'audit.log');
  expect((await api(s, 'PUT', 'sys/audit/file', { token: root, body: { type: 'file', options: { file_path: auditPath } } })).status).toBe(204);
  expect((await api(s, 'PUT', 'sys/auth/approle', { token: root, body: { type: 'approle' } })).status).toBe(204);
  const policy = 'path "secret/data/app/*" { capabilities = ["read"] }';
  expect((await api(s, 'PUT', 'sys/policies/acl/app-read', { token: root, body: { policy } })).status).toBe(204);
  await api(s, 'PUT', 'secret/data/app/db', { token: root, body: { data: { password: 'app-db-pw' } } });
  await api(s, 'PUT', 'secret/data/other/db', { token: root, body: { data: { password: 'other-db-pw' } } });
});
afterAll(async () => s?.close());

/** A login sent from `localAddress` (a loopback address), so the server sees that source. */
function loginFrom(mount: string, localAddress: string, body: unknown): Promise<{ status: number; body: any }> {
  return apiFrom(s, localAddress, 'POST', `auth/${mount}/login`, body);
}

async function makeRole(mount: string, name: string, role: Record<string, unknown>, secret: Record<string, unknown> | null = {}) {
  expect((await api(s, 'POST', `auth/${mount}/role/${name}`, { token: root, body: role })).status).toBe(204);
  const roleId = (await api(s, 'GET', `auth/${mount}/role/${name}/role-id`, { token: root })).body.data.role_id as string;
  if (secret === null) return { roleId, secretId: '', accessor: '' };
  const gen = await api(s, 'POST', `auth/${mount}/role/${name}/secret-id`, { token: root, body: secret });
  expect(gen.status).toBe(200);
  secretsSeen.push(gen.body.data.secret_id);
  return { roleId, secretId: gen.body.data.secret_id as string, accessor: gen.body.data.secret_id_accessor as string };
}

describe('AppRole over HTTP', () => {
  it('runs the full flow: role, role ID, secret ID, login, a least-privilege token', async () => {
    const { roleId, secretId, accessor } = await makeRole(
      'approle',
      'ci',
      { token_policies: ['app-read'], token_ttl: '20m', token_max_ttl: '1h', secret_id_ttl: '10m' },
      { metadata: JSON.stringify({ pipeline: 'shop-main' }) },
    );
    const roles = await api(s, 'LIST', 'auth/approle/role', { token: root });
    expect(roles.body.data.keys).toEqual(['ci']);
    const read = await api(s, 'GET', 'auth/approle/role/ci', { token: root });
    expect(read.body.data).toMatchObject({ token_policies: ['app-read'], token_ttl: 1200, token_max_ttl: 3600, secret_id_ttl: 600, bind_secret_id: true });
    expect(secretId).toMatch(/^[0-9a-f-]{36}$/);
    const accessors = await api(s, 'LIST', 'auth/approle/role/ci/secret-id', { token: root });
    expect(accessors.body.data.keys).toEqual([accessor]);
    const lookup = await api(s, 'POST', 'auth/approle/role/ci/secret-id/lookup', { token: root, body: { secret_id: secretId } });
    expect(lookup.body.data).toMatchObject({ secret_id_accessor: accessor, metadata: { pipeline: 'shop-main' }, secret_id_ttl: 600 });

    const login = await api(s, 'POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } });
    expect(login.status).toBe(200);
    expect(login.body.auth).toMatchObject({
      policies: ['app-read', 'default'],
      token_policies: ['app-read', 'default'],
      metadata: { role_name: 'ci', pipeline: 'shop-main' },
      lease_duration: 1200,
      renewable: true,
    });
    const token = login.body.auth.client_token as string;
    expect(token).toMatch(/^hvs\./);
    const self = await api(s, 'GET', 'auth/token/lookup-self', { token });
    expect(self.body.data).toMatchObject({ display_name: 'approle-ci', meta: { role_name: 'ci', pipeline: 'shop-main' } });
    expect((await api(s, 'GET', 'secret/data/app/db', { token })).body.data.data).toEqual({ password: 'app-db-pw' });
    expect((await api(s, 'GET', 'secret/data/other/db', { token })).status).toBe(403);
    expect((await api(s, 'PUT', 'secret/data/app/db', { token, body: { data: { x: 'y' } } })).status).toBe(403);
    // Management paths need a token with a policy for them.
    expect((await api(s, 'LIST', 'auth/approle/role', { token })).status).toBe(403);
    expect((await api(s, 'LIST', 'auth/approle/role')).status).toBe(403);
  });

  it('refuses periodic batch roles and unbound roles with a clear 400', async () => {
    const batch = await api(s, 'POST', 'auth/approle/role/batchy', { token: root, body: { token_type: 'batch', token_period: '1h' } });
    expect(batch.status).toBe(400);
    expect(batch.body.errors[0]).toContain("'token_type' cannot be 'batch'");
    const open = await api(s, 'POST', 'auth/approle/role/open', { token: root, body: { bind_secret_id: false } });
    expect(open.status).toBe(400);
    expect(open.body.errors[0]).toContain('at least one constraint');
  });

  it('lets exactly one of two concurrent logins use a single-use secret ID', async () => {
    await api(s, 'PUT', 'sys/auth/approle-race', { token: root, body: { type: 'approle' } });
    const { roleId, secretId } = await makeRole('approle-race', 'once', { token_policies: 'app-read' }, { num_uses: 1 });
    const body = { role_id: roleId, secret_id: secretId };
    const results = await Promise.all([
      api(s, 'POST', 'auth/approle-race/login', { body }),
      api(s, 'POST', 'auth/approle-race/login', { body }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
    expect(results.find((r) => r.status === 400)!.body.errors).toEqual(['invalid role or secret ID']);
  });

  it('refuses an expired secret ID', async () => {
    await api(s, 'PUT', 'sys/auth/approle-exp', { token: root, body: { type: 'approle' } });
    const { roleId, secretId } = await makeRole('approle-exp', 'short', { token_policies: 'app-read' }, { ttl: 1 });
    expect((await api(s, 'POST', 'auth/approle-exp/login', { body: { role_id: roleId, secret_id: secretId } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const late = await api(s, 'POST', 'auth/approle-exp/login', { body: { role_id: roleId, secret_id: secretId } });
    expect(late.status).toBe(400);
    expect(late.body.errors).toEqual(['invalid role or secret ID']);
  });

  it('applies CIDR bindings of the secret ID and of the role', async () => {
    await api(s, 'PUT', 'sys/auth/approle-cidr', { token: root, body: { type: 'approle' } });
    const bound = await makeRole('approle-cidr', 'bound', { token_policies: 'app-read' }, { cidr_list: '127.0.0.20/32' });
    const body = { role_id: bound.roleId, secret_id: bound.secretId };
    const wrong = await loginFrom('approle-cidr', '127.0.0.21', body);
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0]).toContain('CIDR restrictions');
    expect((await loginFrom('approle-cidr', '127.0.0.20', body)).status).toBe(200);

    const open = await makeRole('approle-cidr', 'nosecret', { bind_secret_id: false, secret_id_bound_cidrs: '127.0.0.30/32' }, null);
    expect((await loginFrom('approle-cidr', '127.0.0.31', { role_id: open.roleId })).status).toBe(400);
    const ok = await loginFrom('approle-cidr', '127.0.0.30', { role_id: open.roleId });
    expect(ok.status).toBe(200);
    expect(ok.body.auth.metadata).toEqual({ role_name: 'nosecret' });
  });

  it('locks a role ID out after 5 failed logins (429), shows it in sys/locked-users and unlocks it', async () => {
    await api(s, 'PUT', 'sys/auth/approle-lock', { token: root, body: { type: 'approle' } });
    const accessor = (await api(s, 'GET', 'sys/auth', { token: root })).body.data['approle-lock/'].accessor as string;
    const { roleId, secretId } = await makeRole('approle-lock', 'target', { token_policies: 'app-read' });
    for (let i = 0; i < 5; i += 1) {
      const res = await loginFrom('approle-lock', '127.0.0.40', { role_id: roleId, secret_id: `wrong-guess-${i}` });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual(['invalid role or secret ID']);
    }
    const refused = await loginFrom('approle-lock', '127.0.0.41', { role_id: roleId, secret_id: secretId });
    expect(refused.status).toBe(429);
    const locked = await api(s, 'GET', 'sys/locked-users', { token: root });
    expect(locked.status).toBe(200);
    const mount = locked.body.data.by_namespace[0].mount_accessors[accessor];
    expect(mount.alias_identifiers).toContain(roleId);
    const unlock = await api(s, 'POST', `sys/locked-users/${accessor}/unlock/${roleId}`, { token: root });
    expect(unlock.status).toBe(204);
    const ok = await loginFrom('approle-lock', '127.0.0.41', { role_id: roleId, secret_id: secretId });
    expect(ok.status).toBe(200);
  });

  it('manages secret IDs: custom, accessor lookup, destroy', async () => {
    await api(s, 'PUT', 'sys/auth/approle-mgmt', { token: root, body: { type: 'approle' } });
    const { roleId } = await makeRole('approle-mgmt', 'push', { token_policies: 'app-read' }, null);
    const custom = await api(s, 'POST', 'auth/approle-mgmt/role/push/custom-secret-id', {
      token: root,
      body: { secret_id: 'pushed-custom-secret-id-77', num_uses: 3 },
    });
    expect(custom.status).toBe(200);
    secretsSeen.push('pushed-custom-secret-id-77');
    expect(Object.keys(custom.body.data).sort()).toEqual(['secret_id', 'secret_id_accessor', 'secret_id_num_uses', 'secret_id_ttl']);
    const accessor = custom.body.data.secret_id_accessor;
    const body = { role_id: roleId, secret_id: 'pushed-custom-secret-id-77' };
    expect((await api(s, 'POST', 'auth/approle-mgmt/login', { body })).status).toBe(200);
    const byAccessor = await api(s, 'POST', 'auth/approle-mgmt/role/push/secret-id-accessor/lookup', {
      token: root,
      body: { secret_id_accessor: accessor },
    });
    expect(byAccessor.body.data).toMatchObject({ secret_id_num_uses: 2, secret_id_accessor: accessor, cidr_list: [], token_bound_cidrs: [] });
    expect(byAccessor.body.data.expiration_time).toBe('0001-01-01T00:00:00Z');
    expect(
      (await api(s, 'POST', 'auth/approle-mgmt/role/push/secret-id-accessor/destroy', { token: root, body: { secret_id_accessor: accessor } }))
        .status,
    ).toBe(204);
    expect((await api(s, 'POST', 'auth/approle-mgmt/login', { body })).status).toBe(400);
    expect((await api(s, 'DELETE', 'auth/approle-mgmt/role/push', { token: root })).status).toBe(204);
    expect((await api(s, 'GET', 'auth/approle-mgmt/role/push', { token: root })).status).toBe(404);
  });

  it('hands a secret ID over response-wrapped: unwrap once, log in, a second unwrap fails', async () => {
    await api(s, 'PUT', 'sys/auth/approle-wrap', { token: root, body: { type: 'approle' } });
    const { roleId } = await makeRole('approle-wrap', 'deploy', { token_policies: 'app-read' }, null);
    const wrapped = await api(s, 'POST', 'auth/approle-wrap/role/deploy/secret-id', {
      token: root,
      body: {},
      headers: { 'x-vault-wrap-ttl': '60s' },
    });
    expect(wrapped.status).toBe(200);
    expect(wrapped.body.data).toBeNull();
    const wrapToken = wrapped.body.wrap_info.token as string;
    const unwrapped = await api(s, 'POST', 'sys/wrapping/unwrap', { token: wrapToken });
    expect(unwrapped.status).toBe(200);
    const secretId = unwrapped.body.data.secret_id as string;
    secretsSeen.push(secretId);
    expect((await api(s, 'POST', 'auth/approle-wrap/login', { body: { role_id: roleId, secret_id: secretId } })).status).toBe(200);
    expect((await api(s, 'POST', 'sys/wrapping/unwrap', { token: wrapToken })).status).toBeGreaterThanOrEqual(400);
  });

  it('keeps every secret ID out of the audit log, which records the logins', () => {
    const text = readFileSync(auditPath, 'utf8');
    expect(secretsSeen.length).toBeGreaterThan(5);
    for (const secret of secretsSeen) expect(text).not.toContain(secret);
    const entries = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const logins = entries.filter((e) => e.type === 'request' && e.request.path === 'auth/approle/login');
    expect(logins.length).toBeGreaterThan(0);
    expect(logins[0].request.data.secret_id).toMatch(/^hmac-sha256:/);
  });
});
