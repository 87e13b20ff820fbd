/**
 * Two `hush server --config` processes on one PostgreSQL table with `ha_enabled` (Vault's HA):
 * the first is active; the second, unsealed as a standby, answers health with 429, names the
 * active server in `sys/leader` and forwards other requests there, vouching for the client's
 * address (a token bound to it works through the standby; a client cannot claim another one);
 * when the active one dies, the standby takes the table's lock and serves what the other wrote,
 * tokens included. hvac, node-vault, HashiCorp's Go library and hush's CLI all work pointed at a
 * standby. When the active one loses its database session, it becomes a standby, still unsealed,
 * and the other takes over; so too when it is cut off from the database by a partition that drops
 * packets (the database ends its idle session, which frees the lock).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api } from '../helpers/test-server.js';
import { freePort } from '../helpers/free-port.js';
import { hushBin, spawnConfiguredServer } from '../helpers/spawn-server.js';
import { runProcess } from '../helpers/run-process.js';
import { rawRequest } from '../helpers/raw-request.js';
import { HVAC_VERSIONS, ensureVenv, runPython } from '../interop/python-env.js';
import { runGoClient } from '../interop/go-client.js';
import nodeVault from 'node-vault';
import pg from 'pg';
import type { ConfiguredServer } from '../helpers/spawn-server.js';
import { startTestPostgres } from '../helpers/postgres-server.js';
import type { TestPostgres } from '../helpers/postgres-server.js';
import { startPartitionProxy } from '../helpers/partition-proxy.js';

/** hvac pointed at the standby: a KV v2 read and a write, both answered by the active server. */
const HVAC_THROUGH_STANDBY = `
import json, os, hvac
c = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"])
read = c.secrets.kv.v2.read_secret_version(path="app", raise_on_deleted_version=True)["data"]["data"]
written = c.secrets.kv.v2.create_or_update_secret(path="hvac", secret={"k": "v"})["data"]["version"]
written = c.secrets.kv.v2.create_or_update_secret(path="hvac", secret={"k": "w"})["data"]["version"]
print(json.dumps({"read": read, "written": written}))
`;

let postgres: TestPostgres;
let dir: string;
const servers: ConfiguredServer[] = [];

/** A configuration for one of the two servers, on its own port, sharing the table. */
async function configFor(name: string, table = 'hush_ha'): Promise<{ file: string; address: string }> {
  const port = await freePort();
  const address = `http://127.0.0.1:${port}`;
  const file = join(dir, `${name}.hcl`);
  writeFileSync(
    file,
    `storage "postgresql" {\n  table = "${table}"\n  ha_enabled = "true"\n}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\napi_addr = "${address}"\n`,
  );
  return { file, address };
}

async function start(file: string, connectionUrl = postgres.url): Promise<ConfiguredServer> {
  const server = await spawnConfiguredServer(file, { ...process.env, HUSH_PG_CONNECTION_URL: connectionUrl });
  servers.push(server);
  return server;
}

/**
 * Two servers on `table`: `a` (reaching the database at `aUrl`) initialised, unsealed and active,
 * with KV v2 at `secret/` holding `secret/app`; `b` unsealed as its standby.
 */
async function activeAndStandby(table: string, aUrl = postgres.url) {
  const a = await configFor(`${table}-a`, table);
  const b = await configFor(`${table}-b`, table);
  await start(a.file, aUrl);
  const init = await api({ address: a.address }, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
  const key = init.body.keys[0] as string;
  const root = init.body.root_token as string;
  await api({ address: a.address }, 'PUT', 'sys/unseal', { body: { key } });
  expect((await api({ address: a.address }, 'PUT', 'sys/mounts/secret', { token: root, body: { type: 'kv', options: { version: '2' } } })).status).toBe(204);
  expect((await api({ address: a.address }, 'PUT', 'secret/data/app', { token: root, body: { data: { password: 'before' } } })).status).toBe(200);
  await start(b.file);
  await api({ address: b.address }, 'PUT', 'sys/unseal', { body: { key } });
  expect((await api({ address: b.address }, 'GET', 'sys/health')).status).toBe(429);
  return { a, b, root };
}

beforeAll(async () => {
  postgres = await startTestPostgres();
  dir = mkdtempSync(join(tmpdir(), 'hush-pg-ha-'));
});
afterAll(async () => {
  for (const server of servers) await server.stop('SIGKILL');
  await postgres?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two servers on one PostgreSQL table (ha_enabled)', () => {
  it('one serves, the other stands by and redirects, then takes over when the first dies', async () => {
    const a = await configFor('a');
    const b = await configFor('b');
    const first = await start(a.file);
    const init = await api({ address: a.address }, 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } });
    const key = init.body.keys[0] as string;
    const root = init.body.root_token as string;
    await api({ address: a.address }, 'PUT', 'sys/unseal', { body: { key } });
    expect((await api({ address: a.address }, 'GET', 'sys/health')).status).toBe(200);
    expect((await api({ address: a.address }, 'PUT', 'sys/mounts/secret', { token: root, body: { type: 'kv', options: { version: '2' } } })).status).toBe(204);
    expect((await api({ address: a.address }, 'PUT', 'secret/data/app', { token: root, body: { data: { password: 'ha-pw' } } })).status).toBe(200);
    const app = (await api({ address: a.address }, 'POST', 'auth/token/create', { token: root, body: { policies: ['default'], ttl: '1h' } })).body.auth.client_token as string;

    const second = await start(b.file);
    expect(second.banner).toContain('standby: another server is active');
    expect((await api({ address: b.address }, 'GET', 'sys/health')).status).toBe(503); // sealed standby
    await api({ address: b.address }, 'PUT', 'sys/unseal', { body: { key } });
    const standbyHealth = await api({ address: b.address }, 'GET', 'sys/health');
    expect(standbyHealth.status).toBe(429);
    expect(standbyHealth.body).toMatchObject({ sealed: false, standby: true });
    expect((await api({ address: b.address }, 'GET', 'sys/health?standbyok=true')).status).toBe(200);
    expect((await api({ address: b.address }, 'GET', 'sys/leader')).body).toMatchObject({ ha_enabled: true, is_self: false, leader_address: a.address });
    expect((await api({ address: a.address }, 'GET', 'sys/leader')).body).toMatchObject({ ha_enabled: true, is_self: true, leader_address: a.address });

    const forwarded = await fetch(`${b.address}/v1/secret/data/app?version=1`, { headers: { 'x-vault-token': root }, redirect: 'manual' });
    expect(forwarded.status).toBe(200); // the standby forwarded it: no redirect for the client to follow
    expect(((await forwarded.json()) as { data: { data: unknown } }).data.data).toEqual({ password: 'ha-pw' });
    const listed = await rawRequest(b.address, 'LIST', 'secret/metadata/', { 'x-vault-token': root });
    expect([listed.status, JSON.parse(listed.body).data.keys]).toEqual([200, ['app']]);

    // the active server sees the client's address, not the standby's: a token bound to 127.0.0.2
    // works from there through the standby, and neither from 127.0.0.1 nor with a forged header
    expect((await api({ address: a.address }, 'POST', 'auth/token/roles/from-two', { token: root, body: { token_bound_cidrs: ['127.0.0.2/32'] } })).status).toBe(204);
    const bound = (await api({ address: a.address }, 'POST', 'auth/token/create/from-two', { token: root, body: { policies: ['default'] } })).body.auth.client_token as string;
    const lookupSelf = (address: string, from: string, extra: Record<string, string> = {}) =>
      rawRequest(address, 'GET', 'auth/token/lookup-self', { 'x-vault-token': bound, ...extra }, from);
    expect((await lookupSelf(b.address, '127.0.0.2')).status).toBe(200);
    expect((await lookupSelf(b.address, '127.0.0.1')).status).toBe(403);
    const forged = `${Math.floor(Date.now() / 1000)}.${Buffer.from('127.0.0.2').toString('base64url')}.${'A'.repeat(22)}.${'0'.repeat(64)}`;
    expect((await lookupSelf(a.address, '127.0.0.1', { 'x-hush-forwarded': forged })).status).toBe(403);
    expect((await lookupSelf(b.address, '127.0.0.1', { 'x-hush-forwarded': forged })).status).toBe(403);
    // so does hush's own client: the CLI pointed at the standby reads and writes through the active one
    const cli = (args: string[]) =>
      runProcess(process.execPath, [hushBin, ...args], { env: { ...process.env, HUSH_ADDR: b.address, HUSH_TOKEN: root, HUSH_TOKEN_FILE: join(dir, 'no-token') }, input: '' });
    expect((await cli(['kv', 'put', 'secret/cli', 'k=via-standby'])).code).toBe(0);
    expect((await cli(['kv', 'get', '-field=k', 'secret/cli'])).stdout).toBe('via-standby');
    const status = (await cli(['status'])).stdout;
    expect(status).toMatch(/HA Enabled\s+true/);
    expect(status).toMatch(/HA Mode\s+standby/);
    expect(status).toContain(a.address);
    // and hvac (requests follows a 307 with the same method and body)
    const python = ensureVenv('hvac-current', HVAC_VERSIONS[0]![1]);
    const hvacOut = await runPython(python, ['-c', HVAC_THROUGH_STANDBY], { VAULT_ADDR: b.address, VAULT_TOKEN: root });
    expect(JSON.parse(hvacOut)).toEqual({ read: { password: 'ha-pw' }, written: 2 });

    // the active server dies without a word: its session ends, the standby takes the lock
    await first.stop('SIGKILL');
    await expect.poll(async () => (await api({ address: b.address }, 'GET', 'sys/health')).status, { timeout: 15_000, interval: 200 }).toBe(200);
    expect((await api({ address: b.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'ha-pw' });
    expect((await api({ address: b.address }, 'GET', 'auth/token/lookup-self', { token: app })).status).toBe(200);
    expect((await api({ address: b.address }, 'PUT', 'secret/data/app', { token: root, body: { data: { password: 'after-failover' } } })).status).toBe(200);
    expect((await api({ address: b.address }, 'GET', 'sys/leader')).body).toMatchObject({ is_self: true, leader_address: b.address });

    // the first comes back as a standby of the second
    const again = await start(a.file);
    expect(again.banner).toContain('standby');
    await api({ address: a.address }, 'PUT', 'sys/unseal', { body: { key } });
    expect((await api({ address: a.address }, 'GET', 'sys/health')).status).toBe(429);
    expect((await api({ address: a.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'after-failover' });

    // maintenance: the active server (b) steps down; a takes over, b becomes a standby
    const b2 = (args: string[]) =>
      runProcess(process.execPath, [hushBin, ...args], { env: { ...process.env, HUSH_ADDR: b.address, HUSH_TOKEN: root, HUSH_TOKEN_FILE: join(dir, 'no-token') }, input: '' });
    expect((await b2(['operator', 'step-down'])).stdout).toContain('Success! Stepped down');
    await expect.poll(async () => (await api({ address: a.address }, 'GET', 'sys/health')).status, { timeout: 15_000, interval: 200 }).toBe(200);
    await expect.poll(async () => (await api({ address: b.address }, 'GET', 'sys/health')).status, { timeout: 15_000, interval: 200 }).toBe(429);
    expect((await api({ address: a.address }, 'PUT', 'secret/data/app', { token: root, body: { data: { password: 'after-step-down' } } })).status).toBe(200);
    expect((await api({ address: b.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'after-step-down' });

    // and back: b takes over a second time, and names itself again to a, which redirects there
    expect((await api({ address: a.address }, 'PUT', 'sys/step-down', { token: root })).status).toBe(204);
    await expect.poll(async () => (await api({ address: b.address }, 'GET', 'sys/health')).status, { timeout: 15_000, interval: 200 }).toBe(200);
    await expect.poll(async () => (await api({ address: a.address }, 'GET', 'sys/leader')).body.leader_address, { timeout: 5000, interval: 100 }).toBe(b.address);
    expect((await api({ address: a.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'after-step-down' });

    // npm's node-vault pointed at the standby (a): its reads, writes and LIST requests follow the 307
    const nv = nodeVault({ apiVersion: 'v1', endpoint: a.address, token: root });
    await nv.write('secret/data/node', { data: { k: 'via-standby' } });
    expect((await nv.read('secret/data/node')).data.data).toEqual({ k: 'via-standby' });
    expect((await nv.list('secret/metadata/')).data.keys).toEqual(expect.arrayContaining(['app', 'cli', 'hvac', 'node']));

    // and HashiCorp's Go library (under the vault CLI, ESO, Terraform) runs its whole workflow there
    const go = JSON.parse(await runGoClient({ VAULT_ADDR: a.address, VAULT_TOKEN: root, HUSH_AUDIT_FILE: join(dir, 'go-audit.log'), HUSH_UNSEAL_KEY: key }));
    expect(go.errors).toEqual({});
    expect(go.kv_get).toEqual({ username: 'django', password: 'go-pw-1' });
    expect((await api({ address: b.address }, 'GET', 'sys/leader')).body).toMatchObject({ is_self: true });

    // a third server without api_addr warns that the standbys would use its listener's address
    const c = await configFor('c');
    writeFileSync(c.file, readFileSync(c.file, 'utf8').replace(/^api_addr = .*$/m, ''));
    const third = await start(c.file);
    expect(third.stderr()).toContain(`hush: HA is on but api_addr is not set: standbys will send requests to ${c.address}`);
    expect(second.stderr()).not.toContain('api_addr is not set');
    // still sealed, it neither serves nor forwards: 503, as Vault's sealed servers answer
    const sealedAnswer = await api({ address: c.address }, 'GET', 'secret/data/app', { token: root });
    expect([sealedAnswer.status, sealedAnswer.body.errors]).toEqual([503, ['Vault is sealed']]);
    await third.stop();
  });

  it('an active server that loses its database session becomes a standby, unsealed, and the other takes over', async () => {
    const { a, b, root } = await activeAndStandby('hush_ha_partition');

    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    /** Ends the session holding the table's lock, as a partition between it and the database would. */
    const cutActiveSession = async () => {
      const ended = await admin.query(
        "SELECT pg_terminate_backend(pid) AS ended FROM pg_locks WHERE locktype = 'advisory' AND objid = (hashtext($1)::bigint & 4294967295)",
        ['hush:hush_ha_partition'],
      );
      expect(ended.rows).toEqual([{ ended: true }]);
    };
    const health = async (address: string) => (await api({ address }, 'GET', 'sys/health')).status;
    try {
      await cutActiveSession();
      await expect.poll(() => health(b.address), { timeout: 15_000, interval: 200 }).toBe(200);
      await expect.poll(() => health(a.address), { timeout: 15_000, interval: 200 }).toBe(429);
      // a is a standby still unsealed: no key holder needed; it forwards to b, which serves
      expect((await api({ address: a.address }, 'GET', 'sys/health')).body).toMatchObject({ sealed: false, standby: true });
      await expect.poll(async () => (await api({ address: a.address }, 'GET', 'sys/leader')).body.leader_address, { timeout: 5000, interval: 100 }).toBe(b.address);
      expect((await api({ address: a.address }, 'PUT', 'secret/data/app', { token: root, body: { data: { password: 'after' } } })).status).toBe(200);
      expect((await api({ address: b.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'after' });

      // a opened a new session and waits on it: when b loses its own, a takes over again
      await cutActiveSession();
      await expect.poll(() => health(a.address), { timeout: 15_000, interval: 200 }).toBe(200);
      await expect.poll(() => health(b.address), { timeout: 15_000, interval: 200 }).toBe(429);
      expect((await api({ address: a.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'after' });
      expect((await api({ address: b.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'after' });
    } finally {
      await admin.end();
    }
  });

  it('a partition that drops packets: the cut-off active server stops, the database frees its lock, a standby takes over, a held-up write is fenced off', async () => {
    const proxy = await startPartitionProxy(new URL(postgres.url));
    const viaProxy = new URL(postgres.url);
    viaProxy.port = String(proxy.port);
    try {
      const { a, b, root } = await activeAndStandby('hush_ha_cut', viaProxy.href); // a reaches the database through the proxy
      const health = async (address: string) => (await api({ address }, 'GET', 'sys/health')).status;

      proxy.freeze();
      // a write that a takes on just as it is cut off: its packets are held up in the partition
      const lateWrite = api({ address: a.address }, 'PUT', 'secret/data/app', { token: root, body: { data: { password: 'late' } } });
      // a's session check fails and it stops; the database ends a's idle session, and b, polling
      // for the lock, takes it: neither needs a's session to be closed by a
      await expect.poll(() => health(a.address), { timeout: 20_000, interval: 250 }).toBe(429);
      await expect.poll(() => health(b.address), { timeout: 30_000, interval: 250 }).toBe(200);
      expect((await api({ address: b.address }, 'PUT', 'secret/data/app', { token: root, body: { data: { password: 'during' } } })).status).toBe(200);

      proxy.thaw();
      // the held-up write reaches the database after b took over: the epoch check refuses it
      // there, so it neither lands nor overwrites what b wrote
      expect((await lateWrite).status).toBe(503);
      // a opens a new session once the database answers, and sends its clients to b
      await expect.poll(async () => (await api({ address: a.address }, 'GET', 'sys/leader')).body.leader_address, { timeout: 30_000, interval: 250 }).toBe(b.address);
      expect((await api({ address: a.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'during' });
      expect((await api({ address: b.address }, 'GET', 'secret/data/app', { token: root })).body.data.data).toEqual({ password: 'during' });
      expect(await health(a.address)).toBe(429);
    } finally {
      await proxy.close();
    }
  }, 120_000);
});
