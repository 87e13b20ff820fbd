/**
 * @module What the SQLite backend's two threads tell each other: one message per group commit
 * (every queued caller's operations, values packed into one buffer that is moved, not copied),
 * and one answer per commit, once it is on disk.
 */
import type { StorageOp } from '../storage.js';

/** One group commit: the jobs (callers) in order, each applied in its own savepoint. */
export interface WriteBatch {
  /** The key of every operation, all jobs' in order. */
  readonly keys: string[];
  /** Per operation: the value's length in `bytes`, or -1 for a delete. */
  readonly lengths: number[];
  /** Per job: how many of the operations are its. */
  readonly jobSizes: number[];
  /** Every put's value, one after the other. */
  readonly bytes: ArrayBuffer;
}

export type WriterRequest = { readonly kind: 'commit'; readonly batch: WriteBatch } | { readonly kind: 'close' };

/** A driver or system error code (`SQLITE_FULL`, `EIO` …): never a key or a value. */
export interface WriterFailure {
  readonly code: string;
  /** Where it failed: opening the file, the transaction, or syncing the WAL after the commit. */
  readonly stage: 'open' | 'commit' | 'sync';
}

export type WriterReply =
  /** On disk, but for the jobs listed (index in the batch, error code), rolled back alone. */
  | { readonly kind: 'committed'; readonly failedJobs: readonly (readonly [number, string])[] }
  /** Nothing can be taken as written. */
  | { readonly kind: 'failed'; readonly failure: WriterFailure };

/** Packs the jobs' operations into one batch (its `bytes` to be transferred). */
export function packBatch(jobs: readonly (readonly StorageOp[])[]): WriteBatch {
  const keys: string[] = [];
  const lengths: number[] = [];
  const jobSizes: number[] = [];
  let total = 0;
  for (const ops of jobs) {
    jobSizes.push(ops.length);
    for (const op of ops) {
      keys.push(op.key);
      const length = op.kind === 'put' ? op.value.byteLength : -1;
      lengths.push(length);
      if (length > 0) total += length;
    }
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  let i = 0;
  for (const ops of jobs) {
    for (const op of ops) {
      if (op.kind === 'put' && (lengths[i] ?? 0) > 0) {
        bytes.set(op.value, offset);
        offset += op.value.byteLength;
      }
      i++;
    }
  }
  return { keys, lengths, jobSizes, bytes: bytes.buffer };
}

/** Calls `each` with every job's operations, in order; values are views into the batch's bytes
 * (Buffers: the form the SQLite driver binds as a blob). */
export function forEachJob(batch: WriteBatch, each: (job: number, ops: StorageOp[]) => void): void {
  let i = 0;
  let offset = 0;
  batch.jobSizes.forEach((size, job) => {
    const ops: StorageOp[] = [];
    for (const end = i + size; i < end; i++) {
      const key = batch.keys[i] as string;
      const length = batch.lengths[i] as number;
      if (length < 0) {
        ops.push({ kind: 'delete', key });
      } else {
        ops.push({ kind: 'put', key, value: Buffer.from(batch.bytes, offset, length) });
        offset += length;
      }
    }
    each(job, ops);
  });
}
