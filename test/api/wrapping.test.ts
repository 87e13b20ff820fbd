/**
 * Response wrapping through real HTTP: any response can be wrapped with X-Vault-Wrap-TTL; the
 * wrapping token unwraps it exactly once (also under concurrency), can be looked up and
 * rewrapped, and `sys/wrapping/wrap` wraps arbitrary data; what expires unwrapped is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let root: string;
beforeAll(async () => {
  s = await startTestServer({ storage: 'memory' });
  root = s.rootToken;
  await api(s, 'PUT', 'secret/data/app/db', { token: root, body: { data: { password: 'wrapped-pw' } } });
});
afterAll(async () => s?.close());

const wrapped = (token: string, method: string, path: string, body?: unknown) =>
  api(s, method, path, { token, body, headers: { 'x-vault-wrap-ttl': '2m' } });

describe('response wrapping', () => {
  it('wraps a KV read; the wrapping token unwraps it once', async () => {
    const res = await wrapped(root, 'GET', 'secret/data/app/db');
    expect(res.status).toBe(200);
    expect(res.body.data).toBeNull();
    const info = res.body.wrap_info;
    expect(info).toMatchObject({ ttl: 120, creation_path: 'secret/data/app/db' });
    expect(info.token).toMatch(/^hvs\./);
    expect(JSON.stringify(res.body)).not.toContain('wrapped-pw');

    const look = await api(s, 'POST', 'sys/wrapping/lookup', { body: { token: info.token } });
    expect(look.body.data).toMatchObject({ creation_path: 'secret/data/app/db', creation_ttl: 120 });

    const first = await api(s, 'POST', 'sys/wrapping/unwrap', { token: info.token });
    expect(first.status).toBe(200);
    expect(first.body.data.data).toEqual({ password: 'wrapped-pw' });
    const second = await api(s, 'POST', 'sys/wrapping/unwrap', { token: info.token });
    expect(second.status).toBe(400);
    expect(second.body.errors[0]).toMatch(/wrapping token is not valid/);
  });

  it('two concurrent unwraps: exactly one succeeds', async () => {
    const info = (await wrapped(root, 'GET', 'secret/data/app/db')).body.wrap_info;
    const results = await Promise.all([1, 2].map(() => api(s, 'POST', 'sys/wrapping/unwrap', { body: { token: info.token } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
  });

  it('wraps a new token (how a secret is handed to a new machine)', async () => {
    const res = await wrapped(root, 'POST', 'auth/token/create', { policies: ['default'] });
    expect(res.body.auth).toBeNull();
    expect(res.body.wrap_info.wrapped_accessor).toBeTruthy();
    const un = await api(s, 'POST', 'sys/wrapping/unwrap', { body: { token: res.body.wrap_info.token } });
    const token = un.body.auth.client_token;
    expect(un.body.auth.accessor).toBe(res.body.wrap_info.wrapped_accessor);
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token })).status).toBe(200);
  });

  it('rewrap moves the response to a new token; sys/wrapping/wrap wraps any data', async () => {
    const made = await api(s, 'POST', 'sys/wrapping/wrap', { token: root, body: { role_id: 'r-1', note: 'hello' } });
    expect(made.body.wrap_info.ttl).toBe(300);
    const re = await api(s, 'POST', 'sys/wrapping/rewrap', { body: { token: made.body.wrap_info.token } });
    const newToken = re.body.wrap_info.token;
    expect(newToken).not.toBe(made.body.wrap_info.token);
    expect((await api(s, 'POST', 'sys/wrapping/unwrap', { body: { token: made.body.wrap_info.token } })).status).toBe(400);
    expect((await api(s, 'POST', 'sys/wrapping/unwrap', { body: { token: newToken } })).body.data).toEqual({ role_id: 'r-1', note: 'hello' });
  });

  it('a wrapping token grants nothing else', async () => {
    const info = (await wrapped(root, 'GET', 'secret/data/app/db')).body.wrap_info;
    expect((await api(s, 'GET', 'secret/data/app/db', { token: info.token })).status).toBe(403);
    // ...and trying it elsewhere does not spend it.
    expect((await api(s, 'POST', 'sys/wrapping/unwrap', { token: info.token })).body.data.data).toEqual({ password: 'wrapped-pw' });
    expect((await api(s, 'POST', 'sys/wrapping/unwrap', { body: { token: 'hvs.bogus' } })).status).toBe(400);
  });

  it('a response wrapped and never unwrapped leaves storage when its token expires', async () => {
    const wrappedKeys = async () => (await s.core.barrier.list('sys/wrapping/')).sort();
    const before = await wrappedKeys();
    const res = await api(s, 'GET', 'secret/data/app/db', { token: root, headers: { 'x-vault-wrap-ttl': '1s' } });
    const kept = (await wrappedKeys()).filter((k) => !before.includes(k));
    expect(kept).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api(s, 'POST', 'auth/token/tidy', { token: root })).status).toBe(202);
    expect(await wrappedKeys()).toEqual(before);
    expect((await api(s, 'POST', 'sys/wrapping/unwrap', { token: res.body.wrap_info.token })).status).toBe(400);
  });
});
