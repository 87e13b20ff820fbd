/**
 * Batch tokens through real HTTP on a real server with SQLite storage: AppRole, userpass and JWT
 * roles with `token_type=batch`, what a batch token may and may not do (Vault's rules and
 * messages), that a login stores no token, that tampered tokens are a plain 403, that a child
 * batch token dies with its service parent, that batch tokens survive a restart (their key lives
 * in the barrier), and that the audit log never holds one in clear.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { githubClaims, startOidcIssuer } from '../helpers/oidc-issuer.js';
import type { OidcIssuer } from '../helpers/oidc-issuer.js';

const dataDir = mkdtempSync(join(tmpdir(), 'hush-batch-'));
let s: TestServer;
let issuer: OidcIssuer;
let root: string;
let auditPath: string;
const batchTokens: string[] = [];

const put = (path: string, body: unknown) => putAsRoot(s, path, body);

/** Keys the token store holds (entries and accessor index), read through the barrier. */
async function storedTokenKeys(): Promise<string[]> {
  const ids = await s.core.barrier.list('sys/token/id/');
  const accessors = await s.core.barrier.list('sys/token/accessor/');
  return [...ids.map((k) => `id/${k}`), ...accessors.map((k) => `accessor/${k}`)].sort();
}

async function approleLogin(role: string): Promise<{ status: number; body: any }> {
  const roleId = (await api(s, 'GET', `auth/approle/role/${role}/role-id`, { token: root })).body.data.role_id as string;
  const secretId = (await api(s, 'POST', `auth/approle/role/${role}/secret-id`, { token: root })).body.data.secret_id as string;
  return api(s, 'POST', 'auth/approle/login', { body: { role_id: roleId, secret_id: secretId } });
}

beforeAll(async () => {
  s = await startTestServer({ dataDir });
  issuer = await startOidcIssuer();
  root = s.rootToken;
  auditPath = join(dataDir, 'audit.log');
  await put('sys/audit/file', { type: 'file', options: { file_path: auditPath } });
  await put('sys/policies/acl/app-read', { policy: 'path "secret/data/app/*" { capabilities = ["read"] }' });
  await put('secret/data/app/db', { data: { password: 'app-db-pw' } });
  await put('secret/data/other/db', { data: { password: 'other-db-pw' } });
  await put('sys/auth/approle', { type: 'approle' });
  await put('auth/approle/role/batchy', { token_type: 'batch', token_policies: 'app-read', token_ttl: '10m' });
});
afterAll(async () => {
  await s?.close();
  await issuer?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('batch tokens over HTTP', () => {
  it('AppRole role with token_type=batch: an hvb. token, no accessor, nothing stored', async () => {
    const role = await api(s, 'GET', 'auth/approle/role/batchy', { token: root });
    expect(role.body.data.token_type).toBe('batch');

    const before = await storedTokenKeys();
    const login = await approleLogin('batchy');
    expect(login.status).toBe(200);
    expect(login.body.auth).toMatchObject({
      accessor: '',
      token_type: 'batch',
      renewable: false,
      orphan: true,
      lease_duration: 600,
      policies: ['app-read', 'default'],
      metadata: { role_name: 'batchy' },
    });
    const token = login.body.auth.client_token as string;
    batchTokens.push(token);
    expect(token).toMatch(/^hvb\.[A-Za-z0-9_-]+$/);
    expect(await storedTokenKeys()).toEqual(before);

    // Using it stores nothing either.
    expect((await api(s, 'GET', 'secret/data/app/db', { token })).body.data.data).toEqual({ password: 'app-db-pw' });
    expect(await storedTokenKeys()).toEqual(before);
  });

  it('reads what its policy allows and nothing else; looks itself up; cannot renew, revoke or create', async () => {
    // The policy grants what is refused below, so the refusals are the batch rules, not the ACL.
    const selfPolicy = 'path "auth/token/*" { capabilities = ["update"] }\npath "cubbyhole/*" { capabilities = ["create", "update", "read"] }';
    await put('sys/policies/acl/self-ops', { policy: selfPolicy });
    await put('auth/approle/role/batchy-ops', { token_type: 'batch', token_policies: 'app-read,self-ops', token_ttl: '10m' });
    const token = (await approleLogin('batchy-ops')).body.auth.client_token as string;
    batchTokens.push(token);
    expect((await api(s, 'GET', 'secret/data/app/db', { token })).status).toBe(200);
    expect((await api(s, 'GET', 'secret/data/other/db', { token })).status).toBe(403);

    const self = await api(s, 'GET', 'auth/token/lookup-self', { token });
    expect(self.status).toBe(200);
    expect(self.body.data).toMatchObject({
      id: token,
      accessor: '',
      type: 'batch',
      renewable: false,
      orphan: true,
      path: 'auth/approle/login',
      display_name: 'approle-batchy-ops',
      meta: { role_name: 'batchy-ops' },
    });
    expect(self.body.data.ttl).toBeGreaterThan(0);
    expect(self.body.data.ttl).toBeLessThanOrEqual(600);

    const expectRefused = async (path: string, body: unknown, message: string, as = token) => {
      const res = await api(s, 'POST', path, { token: as, body });
      expect(res.status, path).toBe(400);
      expect(res.body.errors).toEqual([message]);
    };
    await expectRefused('auth/token/renew-self', {}, 'batch tokens cannot be renewed');
    await expectRefused('auth/token/revoke-self', {}, 'batch tokens cannot be revoked');
    await expectRefused('auth/token/create', { policies: ['default'] }, 'batch tokens cannot create more tokens');
    await expectRefused('cubbyhole/notes', { a: 'b' }, 'cubbyhole operations are only supported by "service" type tokens');
    await expectRefused('auth/token/revoke', { token }, 'batch tokens cannot be revoked', root);
    const byAccessor = await api(s, 'POST', 'auth/token/lookup-accessor', { token: root, body: { accessor: '' } });
    expect(byAccessor.status).toBe(400);
    // Still valid after all that.
    expect((await api(s, 'GET', 'secret/data/app/db', { token })).status).toBe(200);
  });

  it('answers a tampered or made-up hvb. token with a plain 403', async () => {
    const token = batchTokens[0]!;
    const body = token.slice(4);
    const flipped = `hvb.${body.slice(0, 20)}${body[20] === 'x' ? 'y' : 'x'}${body.slice(21)}`;
    for (const bad of [flipped, token.slice(0, -3), 'hvb.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'hvb.!!!']) {
      const res = await api(s, 'GET', 'secret/data/app/db', { token: bad });
      expect(res.status).toBe(403);
      expect(res.body.errors).toEqual(['permission denied']);
    }
  });

  it('expires at its TTL', async () => {
    await put('auth/approle/role/brief', { token_type: 'batch', token_policies: 'app-read', token_ttl: '1s' });
    const token = (await approleLogin('brief')).body.auth.client_token as string;
    batchTokens.push(token);
    // Creation times are whole seconds: after 2.1 s a 1 s token has certainly expired.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token })).status).toBe(403);
  });

  it('auth/token/create type=batch gives a child that dies with its service parent', async () => {
    await put('sys/policies/acl/creator', { policy: 'path "auth/token/create" { capabilities = ["update"] }' });
    const parent = await api(s, 'POST', 'auth/token/create', { token: root, body: { policies: ['app-read', 'creator'], ttl: '1h' } });
    const parentToken = parent.body.auth.client_token as string;
    const child = await api(s, 'POST', 'auth/token/create', { token: parentToken, body: { type: 'batch', policies: ['app-read'], ttl: '10m' } });
    expect(child.status).toBe(200);
    expect(child.body.auth).toMatchObject({ token_type: 'batch', accessor: '', orphan: false, renewable: false });
    const childToken = child.body.auth.client_token as string;
    batchTokens.push(childToken);
    expect((await api(s, 'GET', 'secret/data/app/db', { token: childToken })).status).toBe(200);

    expect((await api(s, 'POST', 'auth/token/revoke-self', { token: parentToken })).status).toBe(204);
    expect((await api(s, 'GET', 'secret/data/app/db', { token: childToken })).status).toBe(403);
  });

  it('refuses batch-incompatible role fields and create fields with Vault messages', async () => {
    const role = await api(s, 'POST', 'auth/approle/role/bad', { token: root, body: { token_type: 'batch', token_num_uses: 3 } });
    expect(role.status).toBe(400);
    expect(role.body.errors[0]).toContain('limited use count');
    const create = await api(s, 'POST', 'auth/token/create', { token: root, body: { type: 'batch', policies: ['app-read'], num_uses: 2 } });
    expect(create.status).toBe(400);
    expect(create.body.errors).toEqual(['batch tokens cannot have "num_uses" set']);
    const rootBatch = await api(s, 'POST', 'auth/token/create', { token: root, body: { type: 'batch' } });
    expect(rootBatch.status).toBe(400);
    expect(rootBatch.body.errors).toEqual(['batch tokens cannot be root tokens']);
  });

  it('userpass and JWT roles issue batch tokens too', async () => {
    await put('sys/auth/userpass', { type: 'userpass' });
    await put('auth/userpass/users/ci-bot', { password: 'bot password 1', token_policies: 'app-read', token_type: 'batch' });
    expect((await api(s, 'GET', 'auth/userpass/users/ci-bot', { token: root })).body.data.token_type).toBe('batch');
    const up = await api(s, 'POST', 'auth/userpass/login/ci-bot', { body: { password: 'bot password 1' } });
    expect(up.body.auth).toMatchObject({ token_type: 'batch', accessor: '' });
    batchTokens.push(up.body.auth.client_token);
    expect((await api(s, 'GET', 'secret/data/app/db', { token: up.body.auth.client_token })).status).toBe(200);

    await put('sys/auth/jwt', { type: 'jwt' });
    await put('auth/jwt/config', { oidc_discovery_url: issuer.url, bound_issuer: issuer.url });
    await put('auth/jwt/role/ci', {
      role_type: 'jwt',
      user_claim: 'actor',
      bound_audiences: ['https://github.com/acme'],
      token_policies: ['app-read'],
      token_type: 'default-batch',
    });
    expect((await api(s, 'GET', 'auth/jwt/role/ci', { token: root })).body.data.token_type).toBe('default-batch');
    const jwt = await api(s, 'POST', 'auth/jwt/login', { body: { role: 'ci', jwt: await issuer.mint(githubClaims()) } });
    expect(jwt.status).toBe(200);
    expect(jwt.body.auth).toMatchObject({ token_type: 'batch', accessor: '' });
    expect(jwt.body.auth.client_token).toMatch(/^hvb\./);
    batchTokens.push(jwt.body.auth.client_token);
  });

  it('keeps batch tokens valid across a restart (the key is in the barrier)', async () => {
    const token = batchTokens[0]!;
    await s.close();
    s = await startTestServer({ dataDir });
    expect((await api(s, 'GET', 'secret/data/app/db', { token })).status).toBe(200);
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token })).body.data.type).toBe('batch');
  });

  it('never writes a batch token in clear to the audit log', () => {
    const log = readFileSync(auditPath, 'utf8');
    expect(log.length).toBeGreaterThan(0);
    for (const token of batchTokens) expect(log).not.toContain(token.slice(4, 40));
  });
});
