/**
 * An auth mount's `token_type` (`sys/auth/:path/tune` and `sys/auth/:path` config), through real
 * HTTP on a real server: what logins issue under each mount setting and role setting (Vault's
 * rules), how the setting reads back, and the refusals (bad value, the token store's mount, a
 * secrets engine).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let root: string;

const put = (path: string, body: unknown) => putAsRoot(s, path, body);

/** The kind of token an AppRole login with `role` receives. */
async function approleLoginType(role: string): Promise<string> {
  const roleId = (await api(s, 'GET', `auth/approle/role/${role}/role-id`, { token: root })).body.data.role_id as string;
  const secretId = (await api(s, 'POST', `auth/approle/role/${role}/secret-id`, { token: root })).body.data.secret_id as string;
  const login = await api(s, 'POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } });
  expect(login.status, JSON.stringify(login.body)).toBe(200);
  const token = login.body.auth.client_token as string;
  expect(token.startsWith(login.body.auth.token_type === 'batch' ? 'hvb.' : 'hvs.')).toBe(true);
  return login.body.auth.token_type as string;
}

beforeAll(async () => {
  s = await startTestServer();
  root = s.rootToken;
  await put('sys/auth/approle', { type: 'approle' });
  for (const type of ['default', 'service', 'batch', 'default-batch']) {
    await put(`auth/approle/role/${type}`, { token_type: type, token_policies: 'default', token_ttl: '10m' });
  }
});
afterAll(async () => {
  await s?.close();
});

describe("an auth mount's token_type", () => {
  it('reads as default-service until tuned, in the tune view and the sys/auth listing', async () => {
    const tune = await api(s, 'GET', 'sys/auth/approle/tune', { token: root });
    expect(tune.status).toBe(200);
    expect(tune.body.data.token_type).toBe('default-service');
    const list = await api(s, 'GET', 'sys/auth', { token: root });
    expect(list.body.data['approle/'].config.token_type).toBe('default-service');
    expect(list.body.data['token/'].config.token_type).toBe('default-service');
    expect(await approleLoginType('default')).toBe('service');
    expect(await approleLoginType('batch')).toBe('batch');
  });

  it('default-batch: roles left at default get batch tokens, roles that chose a kind keep it', async () => {
    await put('sys/auth/approle/tune', { token_type: 'default-batch' });
    expect((await api(s, 'GET', 'sys/auth/approle/tune', { token: root })).body.data.token_type).toBe('default-batch');
    expect(await approleLoginType('default')).toBe('batch');
    expect(await approleLoginType('service')).toBe('service');
    expect(await approleLoginType('default-batch')).toBe('batch');
  });

  it('service or batch: every login on the mount gets that kind, whatever its role asks', async () => {
    await put('sys/auth/approle/tune', { token_type: 'batch' });
    expect(await approleLoginType('service')).toBe('batch');
    expect(await approleLoginType('default')).toBe('batch');
    await put('sys/auth/approle/tune', { token_type: 'service' });
    expect(await approleLoginType('batch')).toBe('service');
    // other tuning leaves the token type as it is
    await put('sys/auth/approle/tune', { default_lease_ttl: '20m' });
    expect((await api(s, 'GET', 'sys/auth/approle/tune', { token: root })).body.data.token_type).toBe('service');
  });

  it('is taken from the config of a mount being enabled', async () => {
    await put('sys/auth/people', { type: 'userpass', config: { token_type: 'default-batch' } });
    await put('auth/people/users/ana', { password: 'correct horse battery', token_policies: 'default' });
    const login = await api(s, 'POST', 'auth/people/login/ana', { body: { password: 'correct horse battery' } });
    expect(login.status).toBe(200);
    expect(login.body.auth.token_type).toBe('batch');
    expect(login.body.auth.client_token).toMatch(/^hvb\./);
  });

  it('refuses a bad value, the token mount and secrets engines, changing nothing', async () => {
    const bad = await api(s, 'PUT', 'sys/auth/approle/tune', { token: root, body: { token_type: 'sometimes' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toContain("invalid value for 'token_type'");
    expect((await api(s, 'GET', 'sys/auth/approle/tune', { token: root })).body.data.token_type).toBe('service');

    const token = await api(s, 'PUT', 'sys/auth/token/tune', { token: root, body: { token_type: 'batch' } });
    expect(token.status).toBe(400);
    expect(token.body.errors[0]).toContain("cannot be set for 'token' auth mounts");

    const secrets = await api(s, 'PUT', 'sys/mounts/secret/tune', { token: root, body: { token_type: 'batch' } });
    expect(secrets.status).toBe(400);
    expect(secrets.body.errors[0]).toContain('only be modified on auth mounts');
    const enable = await api(s, 'PUT', 'sys/mounts/kv2', { token: root, body: { type: 'kv-v2', config: { token_type: 'batch' } } });
    expect(enable.status).toBe(400);
    expect((await api(s, 'GET', 'sys/mounts', { token: root })).body.data['kv2/']).toBeUndefined();
    const enableAuth = await api(s, 'PUT', 'sys/auth/other', { token: root, body: { type: 'approle', config: { token_type: 'nope' } } });
    expect(enableAuth.status).toBe(400);
    expect((await api(s, 'GET', 'sys/auth', { token: root })).body.data['other/']).toBeUndefined();
  });
});
