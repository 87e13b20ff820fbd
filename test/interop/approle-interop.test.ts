/**
 * AppRole with real third-party clients against a real Hush server: hvac (current release and
 * 0.11.2, each in its own virtualenv, the legacy `client.auth_approle` spelling included) and
 * npm's node-vault `approleLogin`. Each obtains a token that reads the KV v2 secret its policy
 * allows and is refused (403) another; hvac's lease calls then find the tokens the mount issued
 * and revoke them all by prefix.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodeVault from 'node-vault';
import { HVAC_VERSIONS, ensureVenv, runPython } from './python-env.js';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

const script = join(import.meta.dirname, 'approle_workflow.py');

describe.each(HVAC_VERSIONS)('hvac %s AppRole', (name, packages) => {
  let server: TestServer;
  let python: string;

  beforeAll(async () => {
    python = ensureVenv(`hvac-${name}`, packages);
    server = await startTestServer({ storage: 'memory' });
  });
  afterAll(async () => server?.close());

  it('manages a role, logs in and reads only what the policy allows', async () => {
    // Asynchronous: the server runs in this process and must keep answering while python runs.
    const stdout = await runPython(python, [script], { VAULT_ADDR: server.address, VAULT_TOKEN: server.rootToken, APPROLE_MOUNT: 'ci-approle' });
    const out = JSON.parse(stdout);
    if (name !== 'current') expect(out.hvac_version).toBe(name);
    expect(out.roles).toEqual(['django']);
    expect(out.role_policies).toEqual(['py-app']);
    expect(out.role_token_ttl).toBe(900);
    expect(out.generated_keys).toEqual(['secret_id', 'secret_id_accessor', 'secret_id_num_uses', 'secret_id_ttl']);
    expect(out.accessors).toHaveLength(1);
    expect(out.lookup_metadata).toEqual({ host: 'web-1' });
    expect(out.login_policies).toEqual(['default', 'py-app']);
    expect(out.login_metadata).toEqual({ host: 'web-1', role_name: 'django' });
    expect(out.login_lease).toBe(900);
    expect(out.new_authenticated).toBe(true);
    expect(out.new_read).toEqual({ password: 'py-db-pw' });
    expect(out.new_other).toBe('Forbidden');
    if (name === '0.11.2') {
      expect(out.legacy_authenticated).toBe(true);
      expect(out.legacy_read).toEqual({ password: 'py-db-pw' });
      expect(out.legacy_other).toBe('Forbidden');
    }
    expect(out.bad_login).toContain('invalid role or secret ID');
    expect(out.lease_count).toBe(name === '0.11.2' ? 2 : 1); // the legacy login is a second token
    expect(out.lease_fields).toEqual(['expire_time', 'id', 'issue_time', 'last_renewal_time', 'renewable', 'ttl']);
    expect(out.after_revoke_authenticated).toBe(false);
  });
});

describe('node-vault AppRole', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ storage: 'memory' });
  });
  afterAll(async () => s?.close());

  it('approleLogin obtains a token that reads the allowed secret and is refused another', async () => {
    const root = s.rootToken;
    await api(s, 'PUT', 'sys/auth/approle', { token: root, body: { type: 'approle' } });
    await api(s, 'PUT', 'sys/policies/acl/nv-app', { token: root, body: { policy: 'path "secret/data/nv/*" { capabilities = ["read"] }' } });
    await api(s, 'PUT', 'secret/data/nv/db', { token: root, body: { data: { password: 'nv-db-pw' } } });
    await api(s, 'PUT', 'secret/data/other/db', { token: root, body: { data: { password: 'nope' } } });

    const admin = nodeVault({ apiVersion: 'v1', endpoint: s.address, token: root });
    await admin.write('auth/approle/role/node-svc', { token_policies: 'nv-app', token_ttl: '10m' });
    const roleId = (await admin.read('auth/approle/role/node-svc/role-id')).data.role_id as string;
    const secretId = (await admin.write('auth/approle/role/node-svc/secret-id', {})).data.secret_id as string;

    const vault = nodeVault({ apiVersion: 'v1', endpoint: s.address });
    const login = await vault.approleLogin({ role_id: roleId, secret_id: secretId });
    expect(login.auth.policies).toEqual(['default', 'nv-app']);
    expect(login.auth.metadata).toEqual({ role_name: 'node-svc' });
    // node-vault switches its client to the token it obtained.
    expect(vault.token).toBe(login.auth.client_token);
    expect((await vault.read('secret/data/nv/db')).data.data).toEqual({ password: 'nv-db-pw' });
    await expect(vault.read('secret/data/other/db')).rejects.toMatchObject({ response: { statusCode: 403 } });
    await expect(nodeVault({ apiVersion: 'v1', endpoint: s.address }).approleLogin({ role_id: roleId, secret_id: 'wrong' })).rejects.toMatchObject({
      response: { statusCode: 400 },
    });
  });
});
