/**
 * @module The file audit device: appends hash-chained lines to a file created with the device's
 * mode (default 0600). Lines written in the same tick are sealed into the chain in call order
 * and written with one `write`; every caller's promise settles after that write, so the broker
 * knows whether its line is on disk. `reopen()` supports log rotation (SIGHUP).
 *
 * A batch holding a line its caller waits on before going on (`awaited`) is written at once, on
 * the event loop: a round trip through libuv's thread pool would add to that request's time
 * (logins and writes were slower so). Any other batch (reads' lines, response lines) is written
 * from the thread pool, while the event loop serves requests: the kernel's work for a batch of
 * lines into the page cache took about 6 µs of the event loop per audited KV read (about 25
 * lines of 0.9–1.4 KB a batch); reads went from 66.6 to 60.1 µs of the event loop each in paired
 * runs. Batches are still written one after another, in order.
 */
import fs from 'node:fs';
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { HushError } from '../lib/errors.js';
import { SealScratch, readChainTail, sealLines } from './audit-chain.js';
import type { ChainState } from './audit-chain.js';
import type { AuditDevice, DeviceSettings } from './audit-device.js';
import type { AuditLine } from './audit-entry.js';

interface Pending {
  readonly line: AuditLine;
  readonly awaited: boolean;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

export interface FileDeviceParams {
  readonly path: string;
  readonly options: Readonly<Record<string, string>>;
  readonly settings: DeviceSettings;
}

/** A file audit device. The file is opened on first use, or by `open()` (reading its tail to
 * continue the chain), which rejects when it cannot. */
export function createFileDevice(params: FileDeviceParams): AuditDevice {
  const { filePath, mode, prefix } = params.settings;
  let handle: FileHandle | undefined;
  let chain: ChainState | undefined;
  let queue: Pending[] = [];
  let scheduled = false;
  let flushing: Promise<void> | undefined;
  let closed = false;
  const scratch = new SealScratch();

  async function ensureOpen(): Promise<{ handle: FileHandle; chain: ChainState }> {
    if (handle !== undefined && chain !== undefined) return { handle, chain };
    const h = await open(filePath, 'a+', mode === 0 ? 0o600 : mode);
    try {
      if (mode !== 0) await h.chmod(mode);
      chain = await readChainTail(h, prefix);
      handle = h;
      return { handle: h, chain };
    } catch (err) {
      await h.close().catch(() => undefined);
      throw err;
    }
  }

  async function dropHandle(): Promise<void> {
    const h = handle;
    handle = undefined;
    chain = undefined;
    if (h !== undefined) await h.close().catch(() => undefined);
  }

  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        const opened = await ensureOpen();
        // sealed into the scratch buffer, which is not sealed into again before this write is
        // done: batches go one after another
        const sealed = sealLines(batch.map((p) => p.line), opened.chain, scratch);
        if (batch.some((p) => p.awaited)) writeAll(opened.handle, sealed.bytes);
        else await writeAllInPool(opened.handle, sealed.bytes);
        chain = sealed.next;
        for (const p of batch) p.resolve();
      } catch (err) {
        // The file may now hold part of the batch: forget the handle, so the next write reopens
        // it and re-reads the tail (and refuses to append after a torn line).
        await dropHandle();
        const failure = new HushError('unavailable', 'audit file write failed', { cause: err });
        for (const p of batch) p.reject(failure);
      }
    }
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (flushing !== undefined) return; // the running flush loop picks the queue up
      flushing = flush().finally(() => {
        flushing = undefined;
        if (queue.length > 0) schedule();
      });
    });
  }

  async function idle(): Promise<void> {
    while (flushing !== undefined || queue.length > 0 || scheduled) {
      if (flushing !== undefined) await flushing;
      else await new Promise<void>((r) => setImmediate(r));
    }
  }

  return {
    path: params.path,
    type: 'file',
    options: params.options,
    async open() {
      if (closed) throw new HushError('unavailable', 'audit device is closed');
      await ensureOpen();
    },
    write(line, awaited = false) {
      if (closed) return Promise.reject(new HushError('unavailable', 'audit device is closed'));
      return new Promise<void>((resolve, reject) => {
        queue.push({ line, awaited, resolve, reject });
        schedule();
      });
    },
    async reopen() {
      await idle();
      await dropHandle();
    },
    async close() {
      closed = true;
      await idle();
      await dropHandle();
    },
  };
}

/** Appends synchronously, for a batch someone waits on: the caller learns at once. */
function writeAll(handle: FileHandle, buf: Buffer): void {
  let offset = 0;
  while (offset < buf.length) {
    const bytesWritten = fs.writeSync(handle.fd, buf, offset, buf.length - offset);
    if (bytesWritten <= 0) throw new Error('short write');
    offset += bytesWritten;
  }
}

/** Appends from libuv's thread pool (the same `write` calls as {@link writeAll}). */
function writeAllInPool(handle: FileHandle, buf: Buffer): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const from = (offset: number): void => {
      fs.write(handle.fd, buf, offset, buf.length - offset, null, (err, bytesWritten) => {
        if (err) reject(err);
        else if (bytesWritten <= 0) reject(new Error('short write'));
        else if (offset + bytesWritten < buf.length) from(offset + bytesWritten);
        else resolve();
      });
    };
    from(0);
  });
}
