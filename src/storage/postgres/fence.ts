/**
 * @module HA fencing for the PostgreSQL backend: an epoch in the `<table>_active` row, which a
 * server raises each time it takes the table's lock. Every write of an HA server (one statement,
 * `write-statement.ts`) reads the epoch `FOR SHARE` and writes only while it is still the one this
 * server raised. So a write from a server that has lost the lock (its packets held up by a
 * partition and delivered once another server took over) is refused by the database instead of
 * landing on the new active server's data; and a server taking over raises the epoch only once
 * the writes of the one before have committed (the share locks they hold make it wait; a write
 * is one statement, which the database runs to its end without its client, and a transaction
 * left open by a partition, should any be, is ended after {@link IDLE_TRANSACTION_LIMIT_MS}).
 */
import type pg from 'pg';
import { HushError } from '../../lib/errors.js';
import type { FenceCondition } from './write-statement.js';

/** How long the database keeps a transaction whose client has gone quiet (our transactions take
 * milliseconds): a server taking over waits at most this long for the previous one's. */
export const IDLE_TRANSACTION_LIMIT_MS = 10_000;

export class Fence {
  readonly #table: string;
  /** The epoch this server raised when it last took the lock (a BIGINT, as text). */
  #epoch: string | undefined;

  /** @param table the `<table>_active` table */
  constructor(table: string) {
    this.#table = table;
  }

  /** Adds the epoch to a table made before fencing existed. */
  async prepare(client: pg.PoolClient): Promise<void> {
    await client.query(`ALTER TABLE ${this.#table} ADD COLUMN IF NOT EXISTS epoch BIGINT NOT NULL DEFAULT 0`);
  }

  /** Raises the epoch: on the lock's session, right after the lock is taken. */
  async raise(client: pg.PoolClient): Promise<void> {
    const t = this.#table;
    const result = await client.query<{ epoch: string }>(
      `INSERT INTO ${t} (id, address, epoch) VALUES (1, '', 1) ON CONFLICT (id) DO UPDATE SET epoch = ${t}.epoch + 1 RETURNING epoch`,
    );
    this.#epoch = String(result.rows[0]?.epoch);
  }

  /** What a write must find in the table to go on: the epoch this server raised. */
  condition(): FenceCondition {
    if (this.#epoch === undefined) throw superseded();
    return { activeTable: this.#table, epoch: this.#epoch };
  }

  /** Records this server's API address, if the epoch is still ours. */
  async advertise(pool: pg.Pool, address: string): Promise<void> {
    const result = await pool.query(`UPDATE ${this.#table} SET address = $1 WHERE id = 1 AND epoch = $2`, [address, this.#epoch ?? '-1']);
    if (result.rowCount !== 1) throw superseded();
  }
}

/** What a write is told when another server has taken the lock since this one raised its epoch. */
export function superseded(): HushError {
  return new HushError('unavailable', 'this server is no longer the active server: another one has taken the storage lock');
}
