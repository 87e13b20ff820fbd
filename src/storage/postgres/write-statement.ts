/**
 * @module A storage transaction as one SQL statement: one round trip to the database instead of
 * BEGIN, each operation and COMMIT (and, with HA, the epoch check). A statement is a transaction
 * of its own, so all of it commits or none of it does.
 *
 * The operations are first reduced to the last one of each key: a transaction applies them in
 * order, so that one alone decides what the key holds afterwards. The deletes and the upserts
 * then touch different keys and run side by side as data-modifying WITH queries (which run to
 * completion whatever the main query reads). Keys and values travel as arrays (`unnest`), so the
 * statement has the same few parameters however many operations it carries.
 *
 * Fenced (HA, `fence.ts`): every part is conditioned on the `<table>_active` row still holding
 * this server's epoch, read `FOR SHARE`, a lock the statement keeps until it commits; the
 * statement answers whether the row matched, and writes nothing when it did not.
 */
import type { StorageOp } from '../storage.js';

/** The epoch the writing server raised, and the table that holds it (`<table>_active`). */
export interface FenceCondition {
  readonly activeTable: string;
  /** A BIGINT, as text. */
  readonly epoch: string;
}

export interface WriteStatement {
  readonly text: string;
  readonly values: unknown[];
}

/** The statement applying `ops` to `table`; it returns one row whose `held` is 1 when it wrote
 * (always, unfenced) and 0 when the fence refused it. */
export function writeStatement(table: string, ops: readonly StorageOp[], fence?: FenceCondition): WriteStatement {
  const last = new Map<string, StorageOp>();
  for (const op of ops) last.set(op.key, op);
  const putKeys: string[] = [];
  const putValues: Buffer[] = [];
  const deleteKeys: string[] = [];
  for (const op of last.values()) {
    if (op.kind === 'put') {
      putKeys.push(op.key);
      putValues.push(Buffer.from(op.value.buffer, op.value.byteOffset, op.value.byteLength)); // a view, not a copy
    } else {
      deleteKeys.push(op.key);
    }
  }
  const values: unknown[] = [putKeys, putValues, deleteKeys];
  const parts: string[] = [];
  let guard = '';
  let answer = 'SELECT 1 AS held';
  if (fence !== undefined) {
    values.push(fence.epoch);
    parts.push(`fence AS (SELECT epoch FROM ${fence.activeTable} WHERE id = 1 AND epoch = $4::bigint FOR SHARE)`);
    guard = ' AND EXISTS (SELECT 1 FROM fence)';
    answer = 'SELECT count(*)::int AS held FROM fence';
  }
  parts.push(`gone AS (DELETE FROM ${table} WHERE key = ANY($3::text[])${guard})`);
  parts.push(
    `kept AS (INSERT INTO ${table} (key, value) SELECT k, v FROM unnest($1::text[], $2::bytea[]) AS u(k, v) WHERE TRUE${guard} ` +
      'ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value)',
  );
  return { text: `WITH ${parts.join(', ')} ${answer}`, values };
}
