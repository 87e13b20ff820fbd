/**
 * Init, unseal, seal, health and restart through real HTTP on a real SQLite file, the way an
 * operator runs a production server (not dev mode).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCore, openBackend, serve } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import type { ServerConfig } from '../../src/config/server-config.js';
import { api } from '../helpers/test-server.js';

const dir = mkdtempSync(join(tmpdir(), 'hush-seal-'));
const config: ServerConfig = {
  storage: { type: 'sqlite', path: join(dir, 'hush.db') },
  listen: { host: '127.0.0.1', port: 0 },
  maxRequestBytes: 1024 * 1024,
  clusterName: 'seal-test',
};

async function start(): Promise<RunningServer> {
  const backend = await openBackend(config);
  return serve(config, buildCore(config, backend), backend);
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seal lifecycle', () => {
  let keys: string[] = [];
  let keysB64: string[] = [];
  let rootToken = '';
  let clusterId = '';

  it('an uninitialised server says so and answers nothing else', async () => {
    const s = await start();
    try {
      expect((await api(s, 'GET', 'sys/init')).body).toEqual({ initialized: false });
      const health = await api(s, 'GET', 'sys/health');
      expect(health.status).toBe(501);
      expect(health.body.initialized).toBe(false);
      expect((await api(s, 'GET', 'sys/health?uninitcode=299')).status).toBe(299);
      const read = await api(s, 'GET', 'secret/data/x', { token: 'whatever' });
      expect(read.status).toBe(503);
      expect(read.body.errors).toEqual(['Vault is sealed']);
      expect(read.headers.get('content-type')).toBe('application/json');
    } finally {
      await s.close();
    }
  });

  it('init returns 5 shares (hex and base64) with a threshold of 3 and leaves the server sealed', async () => {
    const s = await start();
    try {
      const bad = await api(s, 'PUT', 'sys/init', { body: { secret_shares: 2, secret_threshold: 3 } });
      expect(bad.status).toBe(400);
      const res = await api(s, 'PUT', 'sys/init', { body: { secret_shares: 5, secret_threshold: 3 } });
      expect(res.status).toBe(200);
      keys = res.body.keys;
      keysB64 = res.body.keys_base64;
      rootToken = res.body.root_token;
      expect(keys).toHaveLength(5);
      expect(keysB64).toHaveLength(5);
      expect(Buffer.from(keysB64[0]!, 'base64').toString('hex')).toBe(keys[0]);
      expect(rootToken).toMatch(/^hvs\./);
      expect((await api(s, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } })).status).toBe(400);
      const status = await api(s, 'GET', 'sys/seal-status');
      expect(status.body).toMatchObject({ type: 'shamir', initialized: true, sealed: true, t: 3, n: 5, progress: 0 });
      expect((await api(s, 'GET', 'sys/health')).status).toBe(503);
    } finally {
      await s.close();
    }
  });

  it('unseals with any 3 shares, mixing hex and base64, after a reset', async () => {
    const s = await start();
    try {
      let st = await api(s, 'PUT', 'sys/unseal', { body: { key: keys[4] } });
      expect(st.body).toMatchObject({ sealed: true, progress: 1 });
      st = await api(s, 'PUT', 'sys/unseal', { body: { reset: true } });
      expect(st.body.progress).toBe(0);
      await api(s, 'PUT', 'sys/unseal', { body: { key: keys[1] } });
      await api(s, 'PUT', 'sys/unseal', { body: { key: keysB64[3] } });
      st = await api(s, 'PUT', 'sys/unseal', { body: { key: keys[0] } });
      expect(st.body).toMatchObject({ sealed: false, progress: 0, t: 3, n: 5 });
      const health = await api(s, 'GET', 'sys/health');
      expect(health.status).toBe(200);
      clusterId = health.body.cluster_id;
      expect(clusterId).toMatch(/^[0-9a-f-]{36}$/);
      expect((await api(s, 'GET', 'sys/leader')).body.ha_enabled).toBe(false);

      // Not dev mode: no secret/ mount until an operator enables one.
      const mounts = await api(s, 'GET', 'sys/mounts', { token: rootToken });
      expect(Object.keys(mounts.body.data).sort()).toEqual(['cubbyhole/', 'sys/']);
      expect(mounts.body['sys/'].type).toBe('system');
      expect((await api(s, 'POST', 'sys/mounts/kv', { token: rootToken, body: { type: 'kv-v2' } })).status).toBe(204);
      expect((await api(s, 'PUT', 'kv/data/app', { token: rootToken, body: { data: { k: 'persisted' } } })).status).toBe(200);

      const ks = await api(s, 'GET', 'sys/key-status', { token: rootToken });
      expect(ks.body.data.term).toBe(1);
      expect((await api(s, 'PUT', 'sys/rotate', { token: rootToken })).status).toBe(204);
      expect((await api(s, 'GET', 'sys/key-status', { token: rootToken })).body.data.term).toBe(2);
      expect((await api(s, 'GET', 'kv/data/app', { token: rootToken })).body.data.data).toEqual({ k: 'persisted' });

      expect((await api(s, 'PUT', 'sys/seal', { token: rootToken })).status).toBe(204);
      expect((await api(s, 'GET', 'kv/data/app', { token: rootToken })).status).toBe(503);
      expect((await api(s, 'GET', 'sys/seal-status')).body.sealed).toBe(true);
    } finally {
      await s.close();
    }
  });

  it('a wrong share does not unseal and resets progress', async () => {
    const s = await start();
    try {
      await api(s, 'PUT', 'sys/unseal', { body: { key: keys[0] } });
      await api(s, 'PUT', 'sys/unseal', { body: { key: keys[1] } });
      const forged = Buffer.from(keys[2]!, 'hex');
      forged[forged.length - 1]! ^= 0xff;
      const st = await api(s, 'PUT', 'sys/unseal', { body: { key: forged.toString('hex') } });
      expect(st.status).toBe(400);
      expect((await api(s, 'GET', 'sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0 });
    } finally {
      await s.close();
    }
  });

  it('after a restart the data and rotated keys are still there', async () => {
    const s = await start();
    try {
      for (const k of keys.slice(0, 3)) await api(s, 'PUT', 'sys/unseal', { body: { key: k } });
      const read = await api(s, 'GET', 'kv/data/app', { token: rootToken });
      expect(read.body.data.data).toEqual({ k: 'persisted' });
      expect((await api(s, 'GET', 'sys/health')).body.cluster_id).toBe(clusterId);
      expect((await api(s, 'GET', 'sys/key-status', { token: rootToken })).body.data.term).toBe(2);
      expect((await api(s, 'PUT', 'sys/seal', { token: 'not-a-token' })).status).toBe(403);
    } finally {
      await s.close();
    }
  });
});
