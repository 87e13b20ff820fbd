import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { isHushError } from '../../lib/errors.js';
import { describeStorage } from '../storage-conformance.js';
import { createSqliteBackend } from './sqlite-backend.js';

const root = mkdtempSync(join(tmpdir(), 'hush-sqlite-test-'));
let counter = 0;
const freshPath = (): string => join(root, `case-${(counter += 1)}`, 'data', 'hush.db');
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const mode = (path: string): number => statSync(path).mode & 0o777;

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describeStorage('sqlite', async () => createSqliteBackend({ path: freshPath() }));

describe('sqlite backend', () => {
  it('creates the file and its side files 0600 in a 0700 directory', async () => {
    const path = freshPath();
    const backend = createSqliteBackend({ path });
    await backend.put('k', bytes('v'));
    expect(backend.kind).toBe('sqlite');
    expect(mode(path)).toBe(0o600);
    expect(mode(join(path, '..'))).toBe(0o700);
    for (const side of ['-wal', '-shm', '-lock']) expect(mode(`${path}${side}`)).toBe(0o600);
    expect(existsSync(`${path}-lock-journal`)).toBe(false); // nothing left beside the lock if the process dies
    await backend.close();
  });

  it('refuses a second opener of the same file, in this process or another, until it is closed', async () => {
    const path = freshPath();
    const backend = createSqliteBackend({ path });
    await backend.put('k', bytes('v'));
    let refused: unknown;
    try {
      createSqliteBackend({ path });
    } catch (err) {
      refused = err;
    }
    expect(isHushError(refused) && refused.code).toBe('unavailable');
    expect((refused as Error).message).toBe(
      `the storage file ${path} is in use by another process (another hush server?): stop it, or give this server its own data directory`,
    );
    // another process (a second server on the same data directory) is refused the same way
    const other = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', `import(${JSON.stringify(new URL('./sqlite-backend.ts', import.meta.url).href)}).then((m) => { try { m.createSqliteBackend({ path: process.argv[1] }); console.log('opened'); } catch (e) { console.log(e.code, e.message); } });`, path],
      { encoding: 'utf8' },
    );
    expect(other.stdout.trim()).toBe(`unavailable ${(refused as Error).message}`);
    await backend.close();
    const again = createSqliteBackend({ path });
    expect(await again.get('k')).toEqual(bytes('v'));
    await again.close();
  });

  it('moves a file of the earlier layout (WITHOUT ROWID) to rowid order, keeping every entry', async () => {
    const path = freshPath();
    await createSqliteBackend({ path }).close(); // makes the directory and the file
    const old = new Database(path);
    old.exec('DROP TABLE hush_kv; CREATE TABLE hush_kv (key TEXT PRIMARY KEY NOT NULL, value BLOB) WITHOUT ROWID');
    const insert = old.prepare('INSERT INTO hush_kv (key, value) VALUES (?, ?)');
    for (let i = 0; i < 500; i++) insert.run(`sys/token/id/${String(i).padStart(4, '0')}`, Buffer.from(`entry ${i}`));
    insert.run('secret/app/empty', Buffer.alloc(0));
    old.close();

    const backend = createSqliteBackend({ path });
    expect(await backend.get('sys/token/id/0042')).toEqual(bytes('entry 42'));
    expect(await backend.get('secret/app/empty')).toEqual(new Uint8Array(0));
    expect(await backend.list('sys/token/id/')).toHaveLength(500);
    expect(await backend.list('')).toEqual(['secret/', 'sys/']);
    await backend.put('sys/token/id/0042', bytes('replaced'));
    await backend.put('sys/token/id/9999', bytes('new'));
    await backend.close();

    const check = new Database(path, { readonly: true });
    const sql = check.prepare("SELECT sql FROM sqlite_master WHERE name = 'hush_kv'").pluck().get() as string;
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all();
    const rows = check.prepare('SELECT count(*) FROM hush_kv').pluck().get();
    const freePages = check.pragma('freelist_count', { simple: true });
    check.close();
    expect(freePages).toBe(0); // the old table's pages were given back
    expect(sql).not.toMatch(/WITHOUT ROWID/i);
    expect(tables).toEqual(['hush_kv']);
    expect(rows).toBe(502);
    const reopened = createSqliteBackend({ path });
    expect(await reopened.get('sys/token/id/0042')).toEqual(bytes('replaced'));
    expect(await reopened.get('sys/token/id/9999')).toEqual(bytes('new'));
    await reopened.close();
  });

  it('keeps the WAL bounded under sustained concurrent writes, and leaves none once closed', async () => {
    const path = freshPath();
    const backend = createSqliteBackend({ path });
    const value = new Uint8Array(2048).fill(7);
    // 24 MiB written in commits of many callers each: checkpoints must keep up and reuse the WAL
    for (let round = 0; round < 60; round++) {
      await Promise.all(Array.from({ length: 200 }, (_, i) => backend.put(`k/${(round * 200 + i) % 3000}`, value)));
    }
    expect(statSync(`${path}-wal`).size).toBeLessThan(12 * 1024 * 1024);
    expect(await backend.get('k/2999')).toEqual(value);
    await backend.close();
    expect(() => statSync(`${path}-wal`)).toThrow();
    const reopened = createSqliteBackend({ path });
    expect(await reopened.list('k/')).toHaveLength(3000);
    await reopened.close();
  });

  it('uses WAL', async () => {
    const path = freshPath();
    const backend = createSqliteBackend({ path });
    await backend.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('keeps data across close and reopen', async () => {
    const path = freshPath();
    const first = createSqliteBackend({ path });
    await first.put('persist/a', bytes('alpha'));
    await first.transaction([
      { kind: 'put', key: 'persist/b', value: bytes('beta') },
      { kind: 'put', key: 'persist/c/d', value: new Uint8Array(0) },
    ]);
    await first.close();
    const second = createSqliteBackend({ path });
    expect(new TextDecoder().decode(await second.get('persist/a'))).toBe('alpha');
    expect((await second.get('persist/c/d'))?.length).toBe(0);
    expect(await second.list('persist/')).toEqual(['a', 'b', 'c/']);
    await second.close();
  });

  it('lands every put of 32 concurrent writers x 200 puts', async () => {
    const backend = createSqliteBackend({ path: freshPath() });
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 32 }, async (_, w) => {
        for (let i = 0; i < 200; i += 1) await backend.put(`w${w}/k${String(i).padStart(3, '0')}`, bytes(`${w}/${i}`));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(`sqlite group commit: ${Math.round(6400 / seconds)} durable puts/s (32 writers)`);
    const dirs = await backend.list('');
    expect(dirs.length).toBe(32);
    for (let w = 0; w < 32; w += 1) {
      const names = await backend.list(`w${w}/`);
      expect(names.length).toBe(200);
      expect(new TextDecoder().decode(await backend.get(`w${w}/k199`))).toBe(`${w}/199`);
    }
    await backend.close();
  });

  it('settles a batch of writes independently and in call order', async () => {
    const backend = createSqliteBackend({ path: freshPath() });
    const good = backend.put('batch/a', bytes('1'));
    const bad = backend.transaction([{ kind: 'put', key: '/bad', value: bytes('x') }]);
    const also = backend.transaction([
      { kind: 'put', key: 'batch/b', value: bytes('2') },
      { kind: 'delete', key: 'batch/a' },
    ]);
    await expect(bad).rejects.toSatisfy((err: unknown) => isHushError(err, 'bad_request'));
    await good;
    await also;
    expect(await backend.list('batch/')).toEqual(['b']);
    await backend.close();
  });

  it('rolls back only the failing caller of a group commit', async () => {
    const path = freshPath();
    await createSqliteBackend({ path }).close();
    const raw = new Database(path);
    raw.exec(
      "CREATE TRIGGER refuse_boom BEFORE INSERT ON hush_kv WHEN NEW.key = 'group/boom' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    raw.close();
    const backend = createSqliteBackend({ path });
    const before = backend.put('group/before', bytes('1'));
    const failing = backend.transaction([
      { kind: 'put', key: 'group/partial', value: bytes('must roll back') },
      { kind: 'put', key: 'group/boom', value: bytes('x') },
    ]);
    const after = backend.put('group/after', bytes('2'));
    await expect(failing).rejects.toSatisfy(
      (err: unknown) => isHushError(err, 'unavailable') && !(err as Error).message.includes('group/'),
    );
    await before;
    await after;
    expect(await backend.list('group/')).toEqual(['after', 'before']);
    await backend.close();
  });

  it('starts a new writer thread when its writer thread dies, and loses no acknowledged write', async () => {
    const path = freshPath();
    const threads: Worker[] = [];
    const onWorker = (worker: Worker) => threads.push(worker);
    process.on('worker', onWorker);
    try {
      const backend = createSqliteBackend({ path });
      await backend.put('before', bytes('1'));
      expect(threads).toHaveLength(1);
      await threads[0]?.terminate();
      await backend.put('after', bytes('2'));
      expect(threads).toHaveLength(2);
      expect(await backend.get('before')).toEqual(bytes('1'));
      expect(await backend.get('after')).toEqual(bytes('2'));
      // killed with a commit on its way: that caller learns of a failure (or of the commit, if it
      // landed first), never waits forever; the next write goes to a third thread
      const during = backend.put('during', bytes('3')).then(
        () => 'written',
        (err: unknown) => (isHushError(err, 'unavailable') ? 'refused' : err),
      );
      await threads[1]?.terminate();
      expect(['written', 'refused']).toContain(await during);
      await backend.put('last', bytes('4'));
      expect(threads.length).toBeGreaterThanOrEqual(3);
      await backend.close();
      const reopened = createSqliteBackend({ path });
      expect(await reopened.get('last')).toEqual(bytes('4'));
      expect(await reopened.get('before')).toEqual(bytes('1'));
      await reopened.close();
    } finally {
      process.off('worker', onWorker);
    }
  });

  it('takes a copy of the value when put is called', async () => {
    const backend = createSqliteBackend({ path: freshPath() });
    const value = bytes('before');
    const pending = backend.put('copy', value);
    value.fill(0x21);
    await pending;
    expect(new TextDecoder().decode(await backend.get('copy'))).toBe('before');
    await backend.close();
  });

  it('lists a wide directory with many deep keys efficiently', async () => {
    const backend = createSqliteBackend({ path: freshPath() });
    const ops = [];
    for (let d = 0; d < 50; d += 1) for (let i = 0; i < 200; i += 1) ops.push({ kind: 'put' as const, key: `wide/d${d}/k${i}`, value: bytes('x') });
    await backend.transaction(ops);
    const started = performance.now();
    const names = await backend.list('wide/');
    expect(names.length).toBe(50);
    expect(names[0]).toBe('d0/');
    expect(performance.now() - started).toBeLessThan(1000);
    await backend.close();
  });

  it('wraps driver failures as unavailable without naming keys', async () => {
    const backend = createSqliteBackend({ path: freshPath() });
    await backend.close();
    await expect(backend.get('secret-name')).rejects.toSatisfy(
      (err: unknown) => isHushError(err, 'unavailable') && !String((err as Error).message).includes('secret-name'),
    );
    await expect(backend.put('secret-name', bytes('x'))).rejects.toSatisfy((err: unknown) => isHushError(err, 'unavailable'));
    expect(() => createSqliteBackend({ path: root })).toThrow(/sqlite/);
  });
});
