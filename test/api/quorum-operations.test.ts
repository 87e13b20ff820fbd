/**
 * What a quorum of unseal-share holders authorises, through real HTTP on a server initialised
 * with 3 shares and a threshold of 2. `sys/generate-root`: a new root token, returned only XORed
 * with the attempt's OTP (the server's or the caller's), with Vault's refusals (no attempt, wrong
 * nonce, a share given twice, shares that do not open the vault, a wrong OTP, a bad PGP key) and the
 * attempt gone after a seal. `sys/rekey`: new shares with another threshold, after which the old
 * ones no longer unseal and every secret is still there; a rekeyed dev server still starts alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCore, openBackend, serve } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import type { ServerConfig } from '../../src/config/server-config.js';
import { decodeRootToken } from '../../src/lib/root-token-otp.js';
import { randomBase62 } from '../../src/auth/token-format.js';
import { api, startTestServer } from '../helpers/test-server.js';

let s: RunningServer;
let keys: string[];
let keysB64: string[];
let rootToken: string;

const config: ServerConfig = { storage: { type: 'memory' }, listen: { host: '127.0.0.1', port: 0 }, maxRequestBytes: 1 << 20, clusterName: 'gen-root' };
const call = (method: string, path: string, body?: unknown, token?: string) => api(s, method, path, { body, token });

async function unseal(): Promise<void> {
  for (const key of keys.slice(0, 2)) await call('PUT', 'sys/unseal', { key });
  expect((await call('GET', 'sys/seal-status')).body.sealed).toBe(false);
}

beforeAll(async () => {
  const backend = await openBackend(config);
  s = await serve(config, buildCore(config, backend), backend);
  const init = await call('PUT', 'sys/init', { secret_shares: 3, secret_threshold: 2 });
  keys = init.body.keys;
  keysB64 = init.body.keys_base64;
  rootToken = init.body.root_token;
  await unseal();
});
afterAll(async () => {
  await s?.close();
});

describe('sys/generate-root', () => {
  it('makes a new root token from two share holders, encoded with the OTP the server returns once', async () => {
    const idle = await call('GET', 'sys/generate-root/attempt');
    expect(idle.status).toBe(200);
    expect(idle.body).toMatchObject({ started: false, progress: 0, required: 2, otp_length: 43, complete: false, encoded_token: '' });

    const started = await call('PUT', 'sys/generate-root/attempt', {});
    expect(started.status).toBe(200);
    const { nonce, otp } = started.body as { nonce: string; otp: string };
    expect(otp).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(nonce).not.toBe('');
    expect((await call('GET', 'sys/generate-root/attempt')).body).toMatchObject({ started: true, nonce, progress: 0, otp: '' });
    expect((await call('PUT', 'sys/generate-root/attempt', {})).body).toEqual({ errors: ['root generation already in progress'] });

    expect((await call('PUT', 'sys/generate-root/update', { key: keys[0], nonce: 'not-the-nonce' })).body.errors).toEqual(['incorrect nonce']);
    const first = await call('PUT', 'sys/generate-root/update', { key: keys[0], nonce });
    expect(first.body).toMatchObject({ started: true, progress: 1, required: 2, complete: false, encoded_token: '' });
    const again = await call('PUT', 'sys/generate-root/update', { key: keys[0], nonce });
    expect(again.status).toBe(400);
    expect(again.body.errors[0]).toContain('already been provided');

    const done = await call('PUT', 'sys/generate-root/update', { key: keysB64[2], nonce });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ complete: true, nonce });
    expect(done.body.encoded_token).toBe(done.body.encoded_root_token);
    expect(done.body.encoded_token).not.toMatch(/=$/);
    const token = decodeRootToken(done.body.encoded_token, otp);
    expect(token).toMatch(/^hvs\./);
    expect(token).not.toBe(rootToken);
    expect((await call('GET', 'auth/token/lookup-self', undefined, token)).body.data.policies).toEqual(['root']);
    expect((await call('GET', 'sys/generate-root/attempt')).body.started).toBe(false);
  });

  it("encodes with the caller's OTP, which the answer does not repeat", async () => {
    const otp = randomBase62(43);
    const started = await call('PUT', 'sys/generate-root/attempt', { otp });
    expect(started.body.otp).toBe('');
    const nonce = started.body.nonce as string;
    await call('PUT', 'sys/generate-root/update', { key: keys[1], nonce });
    const done = await call('PUT', 'sys/generate-root/update', { key: keys[2], nonce });
    const token = decodeRootToken(done.body.encoded_token, otp);
    expect((await call('GET', 'auth/token/lookup-self', undefined, token)).status).toBe(200);
  });

  it('refuses shares that do not open the vault (and resets the progress), a wrong OTP, a bad PGP key, and updates with no attempt', async () => {
    expect((await call('PUT', 'sys/generate-root/update', { key: keys[0], nonce: 'x' })).body.errors).toEqual(['no root generation in progress']);
    expect((await call('PUT', 'sys/generate-root/attempt', { otp: 'too-short' })).body.errors[0]).toContain('OTP string is wrong length');
    expect((await call('PUT', 'sys/generate-root/attempt', { pgp_key: 'abc' })).body.errors[0]).toContain('pgp_key: not a PGP public key');

    const nonce = (await call('PUT', 'sys/generate-root/attempt', {})).body.nonce as string;
    await call('PUT', 'sys/generate-root/update', { key: keys[0], nonce });
    const forged = await call('PUT', 'sys/generate-root/update', { key: randomBytes(33).toString('hex'), nonce });
    expect(forged.status).toBe(400);
    expect(forged.body.errors[0]).toContain('do not open this vault');
    expect((await call('GET', 'sys/generate-root/attempt')).body).toMatchObject({ started: true, progress: 0 });
    expect((await call('DELETE', 'sys/generate-root/attempt')).status).toBe(204);
    expect((await call('GET', 'sys/generate-root/attempt')).body.started).toBe(false);
  });

  it('ends with a seal: the attempt is gone once unsealed again', async () => {
    const nonce = (await call('PUT', 'sys/generate-root/attempt', {})).body.nonce as string;
    await call('PUT', 'sys/generate-root/update', { key: keys[0], nonce });
    expect((await call('PUT', 'sys/seal', undefined, rootToken)).status).toBe(204);
    expect((await call('GET', 'sys/generate-root/attempt')).status).toBe(503);
    await unseal();
    expect((await call('GET', 'sys/generate-root/attempt')).body).toMatchObject({ started: false, progress: 0 });
  });
});

describe('sys/rekey', () => {
  it('replaces the shares: 5 new ones with a threshold of 3; the old ones stop unsealing, the data stays', async () => {
    expect((await call('PUT', 'sys/mounts/kv', { type: 'kv', options: { version: '2' } }, rootToken)).status).toBe(204);
    expect((await call('PUT', 'kv/data/app', { data: { password: 'kept-across-rekey' } }, rootToken)).status).toBe(200);
    expect((await call('GET', 'sys/rekey/init')).body).toMatchObject({ started: false, t: 0, n: 0, progress: 0, required: 2 });
    expect((await call('PUT', 'sys/rekey/init', { secret_shares: 2, secret_threshold: 3 })).status).toBe(400);
    expect((await call('PUT', 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2, pgp_keys: ['abc'] })).body.errors[0]).toContain('pgp_keys: 1 keys given for 3 shares');
    expect((await call('PUT', 'sys/rekey/init', { secret_shares: 1, secret_threshold: 1, pgp_keys: ['abc'] })).body.errors[0]).toContain('pgp_keys[0]: not a PGP public key');
    expect((await call('PUT', 'sys/rekey/init', { secret_shares: 3, secret_threshold: 2, backup: true })).body.errors[0]).toContain('needs pgp_keys');

    const started = await call('PUT', 'sys/rekey/init', { secret_shares: 5, secret_threshold: 3 });
    expect(started.body).toMatchObject({ started: true, t: 3, n: 5, progress: 0, required: 2, verification_required: false });
    const nonce = started.body.nonce as string;
    expect((await call('PUT', 'sys/rekey/init', { secret_shares: 5, secret_threshold: 3 })).body.errors).toEqual(['rekey already in progress']);
    expect((await call('PUT', 'sys/rekey/update', { key: keys[0], nonce: 'wrong' })).body.errors).toEqual(['incorrect nonce']);
    expect((await call('PUT', 'sys/rekey/update', { key: keys[0], nonce })).body).toMatchObject({ progress: 1, required: 2 });
    const done = await call('PUT', 'sys/rekey/update', { key: keysB64[1], nonce });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ complete: true, nonce });
    const newKeys = done.body.keys as string[];
    expect(newKeys).toHaveLength(5);
    expect(done.body.keys_base64).toHaveLength(5);
    expect(newKeys.some((k) => keys.includes(k))).toBe(false);
    expect((await call('GET', 'sys/rekey/init')).body.started).toBe(false);
    expect((await call('GET', 'sys/seal-status')).body).toMatchObject({ t: 3, n: 5, sealed: false });

    // the old shares no longer open it; three new ones do, and the secret is still there
    expect((await call('PUT', 'sys/seal', undefined, rootToken)).status).toBe(204);
    await call('PUT', 'sys/unseal', { key: keys[0] });
    await call('PUT', 'sys/unseal', { key: keys[1] });
    const oldThird = await call('PUT', 'sys/unseal', { key: keys[2] });
    expect(oldThird.status).toBe(400);
    for (const key of newKeys.slice(1, 4)) await call('PUT', 'sys/unseal', { key });
    expect((await call('GET', 'sys/seal-status')).body.sealed).toBe(false);
    expect((await call('GET', 'kv/data/app', undefined, rootToken)).body.data.data).toEqual({ password: 'kept-across-rekey' });
  });

  it('refuses current shares that do not open the vault, and can be cancelled', async () => {
    const nonce = (await call('PUT', 'sys/rekey/init', { secret_shares: 1, secret_threshold: 1 })).body.nonce as string;
    await call('PUT', 'sys/rekey/update', { key: randomBytes(33).toString('hex'), nonce });
    await call('PUT', 'sys/rekey/update', { key: randomBytes(33).toString('hex'), nonce });
    const third = await call('PUT', 'sys/rekey/update', { key: randomBytes(33).toString('hex'), nonce });
    expect(third.status).toBe(400);
    expect(third.body.errors[0]).toContain('do not open this vault');
    expect((await call('GET', 'sys/rekey/init')).body).toMatchObject({ started: true, progress: 0 });
    expect((await call('DELETE', 'sys/rekey/init')).status).toBe(204);
    expect((await call('GET', 'sys/rekey/init')).body.started).toBe(false);
    expect((await call('PUT', 'sys/rekey/update', { key: keys[0], nonce })).body.errors).toEqual(['no rekey in progress']);
  });
});

describe('sys/rekey on a dev server', () => {
  it('keeps the dev share file up to date: a rekeyed dev server still unseals itself on the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hush-dev-rekey-'));
    try {
      const dev = await startTestServer({ dataDir });
      const shareFile = join(dataDir, 'dev-unseal-share');
      const oldShare = readFileSync(shareFile, 'utf8').trim();
      expect((await api(dev, 'PUT', 'secret/data/app', { token: dev.rootToken, body: { data: { k: 'kept' } } })).status).toBe(200);
      const nonce = (await api(dev, 'PUT', 'sys/rekey/init', { body: { secret_shares: 3, secret_threshold: 2 } })).body.nonce as string;
      const done = await api(dev, 'PUT', 'sys/rekey/update', { body: { key: oldShare, nonce } });
      const newKeys = done.body.keys as string[];
      expect(newKeys).toHaveLength(3);
      await dev.close();

      expect(readFileSync(shareFile, 'utf8')).toBe(`${newKeys[0]}\n${newKeys[1]}\n`);
      expect(statSync(shareFile).mode & 0o777).toBe(0o600);
      const again = await startTestServer({ dataDir });
      try {
        expect((await api(again, 'GET', 'sys/seal-status')).body).toMatchObject({ sealed: false, t: 2, n: 3 });
        expect((await api(again, 'GET', 'secret/data/app', { token: again.rootToken })).body.data.data).toEqual({ k: 'kept' });
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
