/**
 * @module The main thread's handle on the SQLite writer thread (`sqlite-writer.ts`): one group
 * commit in flight at a time, answered once it is on disk. While idle the thread does not keep
 * the process alive. If the thread dies, the commit in flight and every later one fail (the
 * backend then starts another thread: `stopped`).
 */
import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { HushError } from '../../lib/errors.js';
import { startModuleWorker } from '../../lib/module-worker.js';
import type { WriteBatch, WriterReply, WriterRequest } from './write-batch.js';

interface InFlight {
  readonly resolve: (reply: WriterReply) => void;
  readonly reject: (err: unknown) => void;
}

export class WriterThread {
  readonly #worker: Worker;
  #inFlight: InFlight | undefined;
  /** Why the thread can no longer write, once it cannot. */
  #dead: HushError | undefined;
  #closing = false;

  /** Starts the thread for the database at `path` (which it opens on the first commit). */
  constructor(path: string) {
    this.#worker = startModuleWorker(import.meta.url, 'sqlite-writer', { path });
    this.#worker.unref();
    this.#worker.on('message', (reply: WriterReply) => {
      const inFlight = this.#inFlight;
      this.#inFlight = undefined;
      if (!this.#closing) this.#worker.unref();
      inFlight?.resolve(reply);
    });
    this.#worker.on('error', (err) => this.#die(err));
    this.#worker.on('exit', (code) => this.#die(new Error(`the sqlite writer thread exited (${code})`)));
  }

  /** Whether the thread has ended (died, or closed): it takes no more commits. */
  get stopped(): boolean {
    return this.#dead !== undefined;
  }

  /** Sends one group commit; the thread takes `batch.bytes` (the buffer is moved). */
  commit(batch: WriteBatch): Promise<WriterReply> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    if (this.#inFlight !== undefined) return Promise.reject(new Error('a sqlite group commit is already in flight'));
    return new Promise<WriterReply>((resolve, reject) => {
      const request: WriterRequest = { kind: 'commit', batch };
      this.#worker.postMessage(request, [batch.bytes]); // a throw here rejects, leaving nothing in flight
      this.#inFlight = { resolve, reject };
      this.#worker.ref();
    });
  }

  /** Closes the thread's connection and waits for the thread to end. The caller has waited for
   * the commit in flight. */
  async close(): Promise<void> {
    if (this.#dead !== undefined) return;
    this.#closing = true;
    this.#worker.ref();
    const exited = once(this.#worker, 'exit');
    const request: WriterRequest = { kind: 'close' };
    this.#worker.postMessage(request);
    try {
      await exited;
    } catch (err) {
      throw new HushError('unavailable', 'closing the sqlite storage failed', { cause: err });
    }
  }

  #die(cause: unknown): void {
    if (this.#dead !== undefined) return;
    this.#dead = new HushError('unavailable', 'storage backend failed (the sqlite writer thread stopped)', { cause });
    const inFlight = this.#inFlight;
    this.#inFlight = undefined;
    inFlight?.reject(this.#dead);
  }
}
