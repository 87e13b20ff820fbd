import { describe, expect, it } from 'vitest';
import type { StorageOp } from '../storage.js';
import { forEachJob, packBatch } from './write-batch.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('write batch', () => {
  it('carries every job’s operations in order, empty values and deletes included', () => {
    const jobs: StorageOp[][] = [
      [
        { kind: 'put', key: 'a', value: bytes('alpha') },
        { kind: 'delete', key: 'b' },
      ],
      [],
      [
        { kind: 'put', key: 'c', value: new Uint8Array(0) },
        { kind: 'put', key: 'd', value: bytes('délta') },
      ],
    ];
    const batch = packBatch(jobs);
    expect(batch.bytes.byteLength).toBe(5 + 6);
    const seen: [number, StorageOp[]][] = [];
    forEachJob(batch, (job, ops) => seen.push([job, ops]));
    expect(seen.map(([job]) => job)).toEqual([0, 1, 2]);
    expect(seen.map(([, ops]) => ops.map((op) => (op.kind === 'put' ? [op.key, new TextDecoder().decode(op.value)] : [op.key])))).toEqual([
      [['a', 'alpha'], ['b']],
      [],
      [
        ['c', ''],
        ['d', 'délta'],
      ],
    ]);
  });

  it('packs values into a buffer of its own, which can be moved to another thread', () => {
    const pooled = Buffer.from('value'); // a slice of Node's shared pool
    const batch = packBatch([[{ kind: 'put', key: 'k', value: pooled }]]);
    expect(batch.bytes).not.toBe(pooled.buffer);
    expect(batch.bytes.byteLength).toBe(5);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(batch, [batch.bytes]);
    expect(batch.bytes.byteLength).toBe(0); // moved, not copied
    expect(pooled.toString()).toBe('value');
    port1.close();
    port2.close();
  });
});
