/**
 * @module The persisted table of enabled audit devices and their salts, kept in the storage the
 * broker is given (a barrier view, so both are encrypted at rest). Layout:
 * `devices` — JSON `{ version: 1, devices: AuditTableEntry[] }`; `salt/<path>` — 32 raw bytes.
 */
import { HushError } from '../lib/errors.js';
import type { Storage, StorageOp } from '../storage/storage.js';
import { saltKey } from './audit-hmac.js';

export const TABLE_KEY = 'devices';

/** One enabled device, as persisted and as `sys/audit` lists it. */
export interface AuditTableEntry {
  /** With trailing slash (`file/`). */
  readonly path: string;
  readonly type: string;
  readonly description: string;
  readonly options: Readonly<Record<string, string>>;
  readonly local: boolean;
}

export async function readTable(storage: Storage): Promise<AuditTableEntry[]> {
  const raw = await storage.get(TABLE_KEY);
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch (err) {
    throw new HushError('internal', 'audit device table is corrupt', { cause: err });
  }
  const devices = (parsed as { devices?: unknown }).devices;
  if (!Array.isArray(devices)) throw new HushError('internal', 'audit device table is corrupt');
  return devices as AuditTableEntry[];
}

function tableOp(entries: readonly AuditTableEntry[]): StorageOp {
  const json = JSON.stringify({ version: 1, devices: entries });
  return { kind: 'put', key: TABLE_KEY, value: new Uint8Array(Buffer.from(json, 'utf8')) };
}

/** Persists `entries` and the new device's salt in one transaction. */
export async function saveEnabled(
  storage: Storage,
  entries: readonly AuditTableEntry[],
  path: string,
  salt: Uint8Array,
): Promise<void> {
  await storage.transaction([{ kind: 'put', key: saltKey(path), value: salt }, tableOp(entries)]);
}

/** Persists `entries` without the removed device, and forgets its salt, in one transaction. */
export async function saveDisabled(storage: Storage, entries: readonly AuditTableEntry[], path: string): Promise<void> {
  await storage.transaction([tableOp(entries), { kind: 'delete', key: saltKey(path) }]);
}
