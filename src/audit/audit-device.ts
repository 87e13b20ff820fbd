/**
 * @module The audit device contract and the parsing of Vault's device options.
 *
 * A device receives complete lines (no newline) and must resolve `write` only once the line is
 * durably handed to its sink (written to the file, flushed to stdout), and reject otherwise:
 * the broker fails closed on that promise. Writes resolve in the order they were made.
 */
import { badRequest } from '../lib/errors.js';
import type { AuditLine } from './audit-entry.js';

export interface AuditDevice {
  /** Device path as listed by `sys/audit`, with trailing slash (`file/`). */
  readonly path: string;
  /** `file` (the only type; `file_path=stdout` and `discard` are special sinks of it). */
  readonly type: string;
  /** The options as given at enable time (strings, as Vault stores them). */
  readonly options: Readonly<Record<string, string>>;
  /**
   * Appends `line`. `awaited`: the caller holds its request back until the line is written (the
   * request line of a request that changes something); a device may take more time over lines
   * nobody waits on before going on (see `file-device.ts`).
   */
  write(line: AuditLine, awaited?: boolean): Promise<void>;
  /** Optional: opens the sink now so that `enable` fails early; otherwise it opens on first use. */
  open?(): Promise<void>;
  /** Closes and re-opens the sink (log rotation on SIGHUP). A no-op for streams. */
  reopen(): Promise<void>;
  /** Waits for pending writes, then releases the sink. Later writes reject. */
  close(): Promise<void>;
}

/** Options common to every device, parsed once at enable/load time. */
export interface DeviceSettings {
  readonly filePath: string;
  /** File mode; `0` means "do not change the mode" (Vault's `mode=0000`). */
  readonly mode: number;
  readonly logRaw: boolean;
  readonly hmacAccessor: boolean;
  readonly prefix: string;
}

export const SUPPORTED_DEVICE_TYPES = ['file'] as const;

/** Parses and validates a file device's options; throws `bad_request` on a wrong value. */
export function parseDeviceSettings(type: string, options: Readonly<Record<string, string>>): DeviceSettings {
  if (type !== 'file') throw badRequest(`unsupported audit device type "${type}" (supported: file)`);
  const filePath = options['file_path'] ?? options['path'];
  if (filePath === undefined || filePath === '') throw badRequest('file_path is required');
  const format = options['format'] ?? 'json';
  if (format !== 'json') throw badRequest(`unsupported audit format "${format}" (supported: json)`);
  const modeText = options['mode'] ?? '0600';
  if (!/^0?[0-7]{3}$/.test(modeText)) throw badRequest('mode must be an octal string such as "0600"');
  const mode = parseInt(modeText, 8);
  if ((mode & 0o111) !== 0) throw badRequest('mode must not have executable bits');
  return {
    filePath,
    mode,
    logRaw: parseBool(options['log_raw'], false, 'log_raw'),
    hmacAccessor: parseBool(options['hmac_accessor'], true, 'hmac_accessor'),
    prefix: options['prefix'] ?? '',
  };
}

function parseBool(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  const v = value.toLowerCase();
  if (['true', '1', 't', 'yes'].includes(v)) return true;
  if (['false', '0', 'f', 'no'].includes(v)) return false;
  throw badRequest(`${name} must be a boolean`);
}
