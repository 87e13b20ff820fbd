/**
 * npm's node-vault (a real third-party client) against a real Hush server: the KV v2, mount,
 * policy, token and audit calls Node services make, including its LIST requests.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodeVault from 'node-vault';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => s?.close());

describe('node-vault', () => {
  it('runs the usual calls unchanged', async () => {
    const vault = nodeVault({ apiVersion: 'v1', endpoint: s.address, token: s.rootToken });
    expect((await vault.health()).initialized).toBe(true);
    expect((await vault.status()).sealed).toBe(false);

    await vault.write('secret/data/shop/db', { data: { password: 'nv-pass' } });
    const read = await vault.read('secret/data/shop/db');
    expect(read.data.data).toEqual({ password: 'nv-pass' });
    await vault.write('secret/data/shop/api', { data: { key: 'k' } });
    const list = await vault.list('secret/metadata/shop');
    expect(list.data.keys).toEqual(['api', 'db']);

    await vault.mount({ mount_point: 'nvkv', type: 'kv', options: { version: '2' } });
    expect(Object.keys(await vault.mounts())).toContain('nvkv/');

    await vault.addPolicy({ name: 'shop-read', rules: 'path "secret/data/shop/*" { capabilities = ["read"] }' });
    expect((await vault.policies()).policies).toContain('shop-read');
    expect((await vault.getPolicy({ name: 'shop-read' })).rules).toContain('secret/data/shop/*');

    await vault.enableAudit({ name: 'nvaudit', type: 'file', options: { file_path: join(s.dataDir, 'nv-audit.log') } });
    expect(Object.keys(await vault.audits())).toContain('nvaudit/');

    // node-vault switches a client to the token it creates, so create it with a client of its own.
    const creator = nodeVault({ apiVersion: 'v1', endpoint: s.address, token: s.rootToken });
    const created = await creator.tokenCreate({ policies: ['shop-read'], ttl: '10m' });
    expect(creator.token).toBe(created.auth.client_token);
    const limited = nodeVault({ apiVersion: 'v1', endpoint: s.address, token: created.auth.client_token });
    expect((await limited.tokenLookupSelf()).data.policies).toEqual(['default', 'shop-read']);
    expect((await limited.read('secret/data/shop/db')).data.data.password).toBe('nv-pass');
    await expect(limited.write('secret/data/shop/db', { data: { x: 'y' } })).rejects.toMatchObject({
      response: { statusCode: 403 },
    });
    await expect(vault.read('secret/data/shop/missing')).rejects.toMatchObject({ response: { statusCode: 404 } });
    await vault.tokenRevoke({ token: created.auth.client_token });
    await expect(limited.tokenLookupSelf()).rejects.toMatchObject({ response: { statusCode: 403 } });
  });
});
