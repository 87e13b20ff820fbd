/**
 * @module Group commit for the PostgreSQL backend: the writes that callers start in the same turn
 * of the event loop go to the database together, as one statement (`write-statement.ts`), so that
 * concurrent writers share a round trip, a transaction and its WAL flush.
 *
 * Each caller's operations keep their order and follow those of the callers before it, so the
 * group leaves the table as the callers' transactions would, one after the other.
 *
 * When the database refused the group's statement (an error it answered: nothing was applied),
 * each caller's writes are tried again alone, in order, so that one caller's bad write (a value
 * the database will not take) fails that caller only. Any other failure (a lost connection, a
 * fatal error) fails the whole group and nothing is retried: a statement whose answer was lost
 * may have committed, and replaying part of it could undo a write made since.
 */
import type { StorageOp } from '../storage.js';

interface Pending {
  readonly ops: readonly StorageOp[];
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export class WriteGroups {
  readonly #write: (ops: readonly StorageOp[]) => Promise<void>;
  readonly #refused: (err: unknown) => boolean;
  #queue: Pending[] = [];
  #scheduled = false;
  readonly #inFlight = new Set<Promise<void>>();

  /**
   * @param write applies one group's operations, in order, as one transaction
   * @param refused whether an error of `write` means the database applied none of it
   */
  constructor(write: (ops: readonly StorageOp[]) => Promise<void>, refused: (err: unknown) => boolean = () => false) {
    this.#write = write;
    this.#refused = refused;
  }

  /** Queues one caller's operations (already validated and copied); settles with its group. */
  add(ops: readonly StorageOp[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ops, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** Resolves once every write added so far has been answered. */
  async idle(): Promise<void> {
    while (this.#scheduled || this.#inFlight.size > 0) {
      if (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  #flush(): void {
    this.#scheduled = false;
    const group = this.#queue;
    this.#queue = [];
    let written: Promise<void>;
    try {
      written = this.#write(group.flatMap((pending) => pending.ops));
    } catch (err) {
      written = Promise.reject(err);
    }
    const settled = written.then(
      () => {
        for (const pending of group) pending.resolve();
      },
      async (err: unknown) => {
        if (group.length > 1 && this.#refused(err)) {
          await this.#eachAlone(group);
          return;
        }
        for (const pending of group) pending.reject(err);
      },
    );
    this.#inFlight.add(settled);
    void settled.finally(() => this.#inFlight.delete(settled));
  }

  /** Each caller's writes as a transaction of their own, in the group's order. */
  async #eachAlone(group: readonly Pending[]): Promise<void> {
    for (const pending of group) {
      try {
        await this.#write(pending.ops);
        pending.resolve();
      } catch (err) {
        pending.reject(err);
      }
    }
  }
}
