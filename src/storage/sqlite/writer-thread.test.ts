import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isHushError } from '../../lib/errors.js';
import { ensureTable, openDatabase, prepareFile } from './sqlite-file.js';
import { packBatch } from './write-batch.js';
import { WriterThread } from './writer-thread.js';

const root = mkdtempSync(join(tmpdir(), 'hush-writer-test-'));
let counter = 0;
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A database file with the table, as the backend leaves it before its first write. */
function freshDatabase(): string {
  const path = join(root, `case-${(counter += 1)}`, 'hush.db');
  prepareFile(path);
  const db = openDatabase(path);
  ensureTable(db);
  db.close();
  return path;
}

const put = (key: string, value: string) => ({ kind: 'put' as const, key, value: Buffer.from(value) });

describe('sqlite writer thread', () => {
  it('commits a batch, reports the jobs that failed, and keeps the others', async () => {
    const path = freshDatabase();
    const raw = new Database(path);
    raw.exec("CREATE TRIGGER refuse_boom BEFORE INSERT ON hush_kv WHEN NEW.key = 'boom' BEGIN SELECT RAISE(ABORT, 'refused'); END");
    raw.close();
    const writer = new WriterThread(path);
    const reply = await writer.commit(packBatch([[put('one', '1')], [put('partial', 'x'), put('boom', 'x')], [put('two', '2')]]));
    expect(reply).toEqual({ kind: 'committed', failedJobs: [[1, 'SQLITE_CONSTRAINT_TRIGGER']] });
    await writer.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT key FROM hush_kv ORDER BY key').pluck().all()).toEqual(['one', 'two']);
    check.close();
  });

  it('reports a file it cannot open as a failed batch', async () => {
    const writer = new WriterThread(join(root, 'missing-dir', 'nested', 'hush.db'));
    const reply = await writer.commit(packBatch([[put('k', 'v')]]));
    expect(reply).toMatchObject({ kind: 'failed', failure: { stage: 'open' } });
    await writer.close();
  });

  it('refuses a batch it cannot send and takes the next one', async () => {
    const path = freshDatabase();
    const writer = new WriterThread(path);
    await writer.commit(packBatch([[put('first', '1')]]));
    // a batch that cannot be sent (a function cannot cross to another thread) is refused at once
    const unsendable = { ...packBatch([]), keys: [() => 'key'] as unknown as string[] };
    await expect(writer.commit(unsendable)).rejects.toThrow(/could not be cloned/);
    expect(await writer.commit(packBatch([[put('second', '2')]]))).toEqual({ kind: 'committed', failedJobs: [] });
    await writer.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT key FROM hush_kv ORDER BY key').pluck().all()).toEqual(['first', 'second']);
    check.close();
  });

  it('refuses commits once closed, as unavailable', async () => {
    const writer = new WriterThread(freshDatabase());
    await writer.close();
    await expect(writer.commit(packBatch([[put('secret/name', 'v')]]))).rejects.toSatisfy(
      (err: unknown) => isHushError(err, 'unavailable') && !(err as Error).message.includes('secret/name'),
    );
  });
});
