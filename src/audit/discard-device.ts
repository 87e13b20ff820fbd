/**
 * @module The `file_path=discard` audit device: accepts every line and writes nothing (tests,
 * and satisfying "an audit device is enabled" without keeping a log).
 */
import { HushError } from '../lib/errors.js';
import type { AuditDevice } from './audit-device.js';

export function createDiscardDevice(params: {
  readonly path: string;
  readonly options: Readonly<Record<string, string>>;
}): AuditDevice {
  let closed = false;
  return {
    path: params.path,
    type: 'file',
    options: params.options,
    write: () =>
      closed ? Promise.reject(new HushError('unavailable', 'audit device is closed')) : Promise.resolve(),
    async reopen() {},
    async close() {
      closed = true;
    },
  };
}
