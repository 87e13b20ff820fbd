/**
 * @module The `file_path=stdout` audit device: one JSON line per entry on standard output (for
 * containers). Lines are not hash-chained: a stream has no tail to continue from after a restart.
 * `write` resolves once the stream has accepted the line, and rejects on a stream error.
 */
import type { Writable } from 'node:stream';
import { HushError } from '../lib/errors.js';
import type { AuditDevice } from './audit-device.js';
import { lineText } from './audit-entry.js';

export interface StreamDeviceParams {
  readonly path: string;
  readonly options: Readonly<Record<string, string>>;
  /** Defaults to `process.stdout`; tests pass their own stream. */
  readonly stream?: Writable;
}

export function createStdoutDevice(params: StreamDeviceParams): AuditDevice {
  const stream = params.stream ?? process.stdout;
  let closed = false;
  return {
    path: params.path,
    type: 'file',
    options: params.options,
    write(line) {
      if (closed) return Promise.reject(new HushError('unavailable', 'audit device is closed'));
      return new Promise<void>((resolve, reject) => {
        stream.write(`${lineText(line)}\n`, (err) => {
          if (err) reject(new HushError('unavailable', 'audit stdout write failed', { cause: err }));
          else resolve();
        });
      });
    },
    async reopen() {},
    async close() {
      closed = true;
    },
  };
}
