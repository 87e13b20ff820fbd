import { describe, expect, it } from 'vitest';
import type { StorageOp } from '../storage.js';
import { WriteGroups } from './write-groups.js';

const put = (key: string): StorageOp => ({ kind: 'put', key, value: new Uint8Array([1]) });

describe('WriteGroups', () => {
  it('sends the writes started in one turn as one group, callers in order, and answers each', async () => {
    const groups: string[][] = [];
    const g = new WriteGroups(async (ops) => {
      groups.push(ops.map((op) => `${op.kind} ${op.key}`));
    });
    const first = [g.add([put('a'), put('b')]), g.add([{ kind: 'delete', key: 'a' }])];
    await Promise.all(first);
    await g.add([put('c')]);
    expect(groups).toEqual([['put a', 'put b', 'delete a'], ['put c']]);
  });

  it('fails every caller of a group that fails, and only them', async () => {
    let calls = 0;
    const g = new WriteGroups(async () => {
      calls += 1;
      if (calls === 1) throw new Error('database gone');
    });
    const failed = await Promise.allSettled([g.add([put('a')]), g.add([put('b')])]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await expect(g.add([put('c')])).resolves.toBeUndefined();
    expect(calls).toBe(2);
  });

  it('tries each caller alone, in order, when the database refused the group: only the bad write fails', async () => {
    const statements: string[][] = [];
    const refusal = new Error('value too large');
    const g = new WriteGroups(
      async (ops) => {
        statements.push(ops.map((op) => op.key));
        if (ops.some((op) => op.key === 'bad')) throw refusal;
      },
      (err) => err === refusal,
    );
    const results = await Promise.allSettled([g.add([put('a')]), g.add([put('bad'), put('b')]), g.add([put('c')])]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(statements).toEqual([['a', 'bad', 'b', 'c'], ['a'], ['bad', 'b'], ['c']]);
  });

  it('retries nothing when the failure may have committed (not a refusal)', async () => {
    const statements: string[][] = [];
    const g = new WriteGroups(
      async (ops) => {
        statements.push(ops.map((op) => op.key));
        throw new Error('connection lost');
      },
      () => false,
    );
    const results = await Promise.allSettled([g.add([put('a')]), g.add([put('b')])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(statements).toEqual([['a', 'b']]);
  });

  it('reports a write function that throws instead of rejecting as a failed group', async () => {
    const g = new WriteGroups(() => {
      throw new Error('no connection');
    });
    await expect(g.add([put('a')])).rejects.toThrow('no connection');
  });

  it('idles only once every queued and in-flight group has been answered', async () => {
    let release = (): void => undefined;
    const g = new WriteGroups(() => new Promise<void>((resolve) => (release = resolve)));
    let answered = false;
    void g.add([put('a')]).then(() => (answered = true));
    const idle = g.idle().then(() => answered);
    await new Promise((r) => setImmediate(r));
    release();
    await expect(idle).resolves.toBe(true);
  });
});
