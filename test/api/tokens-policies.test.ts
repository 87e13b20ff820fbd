/**
 * Tokens and policies through real HTTP: a policy written in HCL limits a child token; token
 * lookup, renew and revoke (with the parent/child tree); capabilities-self; legacy routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
let root: string;
beforeAll(async () => {
  s = await startTestServer({ storage: 'memory' });
  root = s.rootToken;
});
afterAll(async () => s?.close());

const APP_POLICY = `
# the app may read its own secrets and list them, nothing else
path "secret/data/myapp/*" {
  capabilities = ["read"]
}
path "secret/metadata/myapp/*" {
  capabilities = ["list"]
}
path "secret/data/myapp/admin" {
  capabilities = ["deny"]
}
`;

describe('policies', () => {
  it('writes, reads and lists policies on current and legacy routes', async () => {
    expect((await api(s, 'PUT', 'sys/policies/acl/myapp', { token: root, body: { policy: APP_POLICY } })).status).toBe(204);
    const read = await api(s, 'GET', 'sys/policies/acl/myapp', { token: root });
    expect(read.body.data).toEqual({ name: 'myapp', policy: APP_POLICY });
    const legacy = await api(s, 'GET', 'sys/policy/myapp', { token: root });
    expect(legacy.body.rules).toBe(APP_POLICY);
    expect(legacy.body.data.rules).toBe(APP_POLICY);
    const list = await api(s, 'GET', 'sys/policy', { token: root });
    expect(list.body.policies).toEqual(expect.arrayContaining(['default', 'myapp', 'root']));
    const json = await api(s, 'PUT', 'sys/policy/jsonpol', {
      token: root,
      body: { policy: JSON.stringify({ path: { 'secret/data/json/*': { capabilities: ['read'] } } }) },
    });
    expect(json.status).toBe(204);
    const bad = await api(s, 'PUT', 'sys/policies/acl/bad', { token: root, body: { policy: 'path "x" { capabilities = ["fly"] }' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatch(/fly/);
    expect((await api(s, 'DELETE', 'sys/policies/acl/root', { token: root })).status).toBe(400);
  });

  it('a child token is limited by its policy; deny wins', async () => {
    await api(s, 'PUT', 'secret/data/myapp/db', { token: root, body: { data: { pw: 'one' } } });
    await api(s, 'PUT', 'secret/data/myapp/admin', { token: root, body: { data: { pw: 'two' } } });
    await api(s, 'PUT', 'secret/data/other/db', { token: root, body: { data: { pw: 'three' } } });
    const created = await api(s, 'POST', 'auth/token/create', { token: root, body: { policies: ['myapp'], ttl: '1h' } });
    expect(created.status).toBe(200);
    const t = created.body.auth.client_token;
    expect(created.body.auth.policies).toEqual(['default', 'myapp']);
    expect((await api(s, 'GET', 'secret/data/myapp/db', { token: t })).body.data.data).toEqual({ pw: 'one' });
    expect((await api(s, 'GET', 'secret/data/myapp/admin', { token: t })).status).toBe(403);
    expect((await api(s, 'GET', 'secret/data/other/db', { token: t })).status).toBe(403);
    expect((await api(s, 'PUT', 'secret/data/myapp/db', { token: t, body: { data: { pw: 'x' } } })).status).toBe(403);
    expect((await api(s, 'GET', 'secret/metadata/myapp/?list=true', { token: t })).status).toBe(200);
    expect((await api(s, 'GET', 'sys/mounts', { token: t })).status).toBe(403);
    const caps = await api(s, 'POST', 'sys/capabilities-self', {
      token: t,
      body: { paths: ['secret/data/myapp/db', 'secret/data/myapp/admin', 'secret/data/other/db'] },
    });
    expect(caps.body['secret/data/myapp/db']).toEqual(['read']);
    expect(caps.body['secret/data/myapp/admin']).toEqual(['deny']);
    expect(caps.body['secret/data/other/db']).toEqual(['deny']);
    expect(caps.body.capabilities).toEqual(['read']);
  });

  it('a token cannot create a child with policies it does not hold', async () => {
    await api(s, 'PUT', 'sys/policies/acl/tokens', { token: root, body: { policy: 'path "auth/token/create" { capabilities = ["update"] }' } });
    const t2 = (await api(s, 'POST', 'auth/token/create', { token: root, body: { policies: ['myapp', 'tokens'] } })).body.auth.client_token;
    const escalate = await api(s, 'POST', 'auth/token/create', { token: t2, body: { policies: ['jsonpol'] } });
    expect(escalate.status).toBe(400); // Vault: "child policies must be subset of parent"
    expect(escalate.body.errors[0]).toMatch(/subset/);
    const ok = await api(s, 'POST', 'auth/token/create', { token: t2, body: { policies: ['myapp'] } });
    expect(ok.status).toBe(200);
  });
});

describe('tokens', () => {
  it('lookup-self, renew-self and revoke of a parent revokes its children', async () => {
    const parent = (await api(s, 'POST', 'auth/token/create', { token: root, body: { policies: ['tokens'], ttl: '1h', meta: { app: 'shop' } } })).body.auth;
    const child = (await api(s, 'POST', 'auth/token/create', { token: parent.client_token, body: { ttl: '30m' } })).body.auth;
    const orphan = (await api(s, 'POST', 'auth/token/create-orphan', { token: root, body: { policies: ['default'] } })).body.auth;
    const self = await api(s, 'GET', 'auth/token/lookup-self', { token: parent.client_token });
    expect(self.body.data).toMatchObject({ accessor: parent.accessor, meta: { app: 'shop' }, orphan: false, renewable: true });
    expect(self.body.data.ttl).toBeGreaterThan(3500);
    const renewed = await api(s, 'POST', 'auth/token/renew-self', { token: parent.client_token, body: { increment: '2h' } });
    expect(renewed.status).toBe(200);
    const byAccessor = await api(s, 'POST', 'auth/token/lookup-accessor', { token: root, body: { accessor: child.accessor } });
    expect(byAccessor.body.data.id).toBe('');
    expect((await api(s, 'POST', 'auth/token/revoke', { token: root, body: { token: parent.client_token } })).status).toBe(204);
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token: parent.client_token })).status).toBe(403);
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token: child.client_token })).status).toBe(403);
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token: orphan.client_token })).status).toBe(200);
  });

  it('a token with num_uses=2 works twice', async () => {
    const t = (await api(s, 'POST', 'auth/token/create', { token: root, body: { policies: ['default'], num_uses: 2 } })).body.auth.client_token;
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(200);
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(200);
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token: t })).status).toBe(403);
  });
});
