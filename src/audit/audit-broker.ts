/**
 * @module The audit broker: the table of enabled devices (`sys/audit`), and the one place the
 * core sends every request and response to be logged.
 *
 * Fail closed: when at least one device is enabled and none of them writes an entry,
 * `logRequest` / `logResponse` reject with `HushError('internal', 'audit log failure')`, and the
 * core must refuse the request (and return no secret). When only some devices fail, the failure
 * is reported to the operator's log and the request goes on, as in Vault.
 *
 * @example
 * const audit = createAuditBroker({ storage: barrierView('audit/') });
 * await audit.load();                       // after unseal: devices come back
 * await audit.enable('file', 'file', { file_path: '/var/log/hush/audit.log' }, 'main log');
 * await audit.logRequest({ request, auth });  // throws => refuse the request
 * process.on('SIGHUP', () => void audit.reopen());
 */
import type { Writable } from 'node:stream';
import { HushError, badRequest } from '../lib/errors.js';
import type { Storage } from '../storage/storage.js';
import { auditAuthBlock, renderLine, requestBlock, responseBlock } from './audit-entry.js';
import type { AuditAuth, AuditRequestInfo, AuditRequestInput, AuditResponseInput, LineParts } from './audit-entry.js';
import { parseDeviceSettings } from './audit-device.js';
import type { AuditDevice, DeviceSettings } from './audit-device.js';
import { FrozenMemo, createAuditHasher, createEntryHasher, newSalt, saltKey } from './audit-hmac.js';
import type { AuditHasher, EntryHasher } from './audit-hmac.js';
import { readTable, saveDisabled, saveEnabled } from './audit-table.js';
import type { AuditTableEntry } from './audit-table.js';
import { createDiscardDevice } from './discard-device.js';
import { createFileDevice } from './file-device.js';
import { createStdoutDevice } from './stdout-device.js';

export interface AuditBrokerDeps {
  /** Where the device table and salts live; the core hands a barrier-backed view. */
  readonly storage: Storage;
  /** Reports a device that failed while others succeeded. Defaults to `console.error`. */
  readonly warn?: (message: string, cause: unknown) => void;
  readonly now?: () => Date;
  /** The stream of `file_path=stdout` devices; defaults to `process.stdout`. */
  readonly stdout?: Writable;
}

/** One row of `GET sys/audit`, keyed by path (`{"file/": {...}}`). */
export interface AuditDeviceListing {
  readonly type: string;
  readonly description: string;
  readonly options: Readonly<Record<string, string>>;
  readonly path: string;
  readonly local: boolean;
}

export interface AuditBroker {
  /** Restores the persisted devices (after unseal). Replaces any devices already loaded. */
  load(): Promise<void>;
  /** Enables a device; rejects with `bad_request` for a used path, a wrong option or a file that
   * cannot be opened. The device and its new salt are persisted before this resolves. */
  enable(
    path: string,
    type: string,
    options?: Readonly<Record<string, string>>,
    description?: string,
    local?: boolean,
  ): Promise<void>;
  /** Disables a device and forgets its salt. Disabling a path with no device is a no-op. */
  disable(path: string): Promise<void>;
  list(): Record<string, AuditDeviceListing>;
  /** Logs the request entry; rejects when no enabled device could write it (fail closed).
   * `awaited`: the caller holds the request back until it is written (see `AuditDevice.write`). */
  logRequest(input: AuditRequestInput, awaited?: boolean): Promise<void>;
  /** Logs the response entry; rejects when no enabled device could write it (fail closed). */
  logResponse(input: AuditResponseInput): Promise<void>;
  /** `hmac-sha256:<hex>` of `input` with the device's salt (`sys/audit-hash`). */
  hash(path: string, input: string): Promise<string>;
  hasDevices(): boolean;
  /** Re-opens every file (log rotation, SIGHUP). */
  reopen(): Promise<void>;
  /** Flushes and closes every device (seal, shutdown). */
  close(): Promise<void>;
}

interface LiveDevice {
  readonly entry: AuditTableEntry;
  readonly settings: DeviceSettings;
  readonly device: AuditDevice;
  readonly hash: AuditHasher;
  /** Audit HMACs of recent callers' tokens (keyed by the token store's hash of the token) and
   * accessors. */
  readonly tokenHashes: Map<string, string>;
  /** Hashed copies of frozen response data (KV versions shared by the engine), by identity. */
  readonly frozen: FrozenMemo;
  /** The serialised `auth` block of each caller, by its immutable source (see `AuditAuth.source`). */
  readonly authBlocks: WeakMap<object, string>;
  /** Serialised request blocks after their `id`, by {@link requestMemoKey}. */
  readonly requestTails: Map<string, string>;
}

/** A new device's empty memos. */
function deviceMemos(): Pick<LiveDevice, 'tokenHashes' | 'frozen' | 'authBlocks' | 'requestTails'> {
  return { tokenHashes: new Map(), frozen: new FrozenMemo(), authBlocks: new WeakMap(), requestTails: new Map() };
}

/** Request blocks a device remembers (a few hundred bytes each). */
const REQUEST_TAILS_KEPT = 1024;

/**
 * What a request block is made of apart from its `id`, when that is all plain values: the same
 * caller reading the same path from the same address (a pipeline polling its secrets) makes the
 * same block every time but for the id. Undefined when the request carries data or headers
 * (hashed values, not worth keeping) or a token the store did not resolve. The caller's token
 * enters the key as the store's hash of it, never as itself.
 */
function requestMemoKey(req: AuditRequestInfo): string | undefined {
  if (req.data !== undefined && req.data !== null) for (const _ in req.data) return undefined;
  if (req.headers !== undefined) for (const _ in req.headers) return undefined;
  if (req.wrapTtlSeconds !== undefined || (req.clientToken && !req.clientTokenKey)) return undefined;
  const data = req.data === undefined || req.data === null ? '-' : '{}';
  const sep = '\u0000';
  return `${req.clientTokenKey ?? ''}${sep}${req.clientTokenAccessor ?? ''}${sep}${req.operation}${sep}${req.mountType ?? ''}${sep}${req.mountPoint ?? ''}${sep}${req.mountAccessor ?? ''}${sep}${req.remoteAddress ?? ''}${sep}${data}${sep}${req.path}`;
}

/** The device's serialised request block of `req`, its part after the `id` remembered. */
function requestJsonOf(d: LiveDevice, hasher: EntryHasher, req: AuditRequestInfo): string {
  const key = d.settings.logRaw ? undefined : requestMemoKey(req); // a raw block holds the token
  if (key === undefined) return hasher.request(requestBlock(req));
  const id = `{"id":${JSON.stringify(req.id)}`;
  const tail = d.requestTails.get(key);
  if (tail !== undefined) return id + tail;
  const json = hasher.request(requestBlock(req));
  if (json.startsWith(id)) {
    if (d.requestTails.size >= REQUEST_TAILS_KEPT) d.requestTails.delete(d.requestTails.keys().next().value as string);
    d.requestTails.set(key, json.slice(id.length));
  }
  return json;
}

/** Callers whose token HMAC a device remembers (a few hundred bytes each). */
const TOKEN_HASHES_KEPT = 4096;

/** The device's HMAC of the caller's token, remembered by `tokenKey` (oldest forgotten first). */
function callerTokenHash(d: LiveDevice, token: string, tokenKey: string): string {
  let h = d.tokenHashes.get(tokenKey);
  if (h === undefined) {
    h = d.hash(token);
    if (d.tokenHashes.size >= TOKEN_HASHES_KEPT) d.tokenHashes.delete(d.tokenHashes.keys().next().value as string);
    d.tokenHashes.set(tokenKey, h);
  }
  return h;
}

/** The device's serialised `auth` block for `auth`: a caller's token entry, frozen and shared by
 * every request it makes, gives the same block each time, so it is hashed and serialised once. */
function authBlockOf(d: LiveDevice, hasher: EntryHasher, auth: AuditAuth): string {
  const source = auth.source;
  let block = source === undefined ? undefined : d.authBlocks.get(source);
  if (block === undefined) {
    block = hasher.auth(auditAuthBlock(auth));
    if (source !== undefined) d.authBlocks.set(source, block);
  }
  return block;
}

/** What a device's request line left for the response line of the same request: the hashed and
 * serialised blocks both lines share, and the hasher (whose memo knows the token's hash). */
interface SharedBlocks {
  readonly hasher: EntryHasher;
  readonly auth: string | undefined;
  readonly request: string;
}

const BROKEN_SETTINGS: DeviceSettings = { filePath: '', mode: 0, logRaw: false, hmacAccessor: true, prefix: '' };

/** Stands in for a stored device that cannot be created: every write fails. */
function brokenDevice(entry: AuditTableEntry, cause: unknown): AuditDevice {
  const fail = () => Promise.reject(new HushError('unavailable', 'audit device is misconfigured', { cause }));
  return { path: entry.path, type: entry.type, options: entry.options, write: fail, reopen: async () => {}, close: async () => {} };
}

/** What `logRequest` / `logResponse` throw when no device could write the entry. */
function auditFailure(errors: unknown[]): HushError {
  return new HushError('internal', 'audit log failure', {
    cause: new AggregateError(errors, 'no audit device could write the entry'),
  });
}

/** `file`, `/file/`, `file/` → `file/`; refuses empty paths and `.`/`..` segments. */
export function normalizeDevicePath(path: string): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '');
  if (trimmed === '' || trimmed.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw badRequest('invalid audit device path');
  }
  return `${trimmed}/`;
}

export function createAuditBroker(deps: AuditBrokerDeps): AuditBroker {
  const { storage } = deps;
  const warn = deps.warn ?? ((message, cause) => console.error(message, cause));
  const now = deps.now ?? (() => new Date());
  // The ISO text of the time, made once per millisecond: requests in the same one share it.
  let lastMs = Number.NaN;
  let lastIso = '';
  const isoNow = (): string => {
    const date = now();
    const ms = date.getTime();
    if (ms !== lastMs) {
      lastMs = ms;
      lastIso = date.toISOString();
    }
    return lastIso;
  };
  const devices = new Map<string, LiveDevice>();
  let lock: Promise<unknown> = Promise.resolve();

  /** Serialises table changes (enable, disable, load). */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = lock.then(fn, fn);
    lock = run.catch(() => undefined);
    return run;
  }

  function makeDevice(entry: AuditTableEntry, settings: DeviceSettings): AuditDevice {
    const params = { path: entry.path, options: entry.options };
    if (settings.filePath === 'discard') return createDiscardDevice(params);
    if (settings.filePath === 'stdout') return createStdoutDevice({ ...params, stream: deps.stdout });
    return createFileDevice({ ...params, settings });
  }

  // Keyed by the request object the core passes to both calls: the response line reuses what
  // the request line hashed and serialised (the request's data is hashed once, not twice).
  const shared = new WeakMap<AuditRequestInfo, Map<string, SharedBlocks>>();

  function blocksFor(d: LiveDevice, input: AuditRequestInput): SharedBlocks {
    const perDevice = shared.get(input.request);
    const known = perDevice?.get(d.entry.path);
    if (known !== undefined) return known;
    const { clientToken: token, clientTokenKey: tokenKey, clientTokenAccessor: accessor } = input.request;
    // The caller's token and accessor recur on every request: remember their HMACs (the
    // accessor, not a secret, keys itself; the token is keyed by the store's hash of it).
    const keyed: AuditHasher =
      token && tokenKey
        ? (v) =>
            v === token
              ? callerTokenHash(d, token, tokenKey)
              : v === accessor
                ? callerTokenHash(d, v, `accessor:${v}`)
                : d.hash(v)
        : d.hash;
    const hasher = createEntryHasher(keyed, d.settings, d.frozen);
    const blocks: SharedBlocks = {
      hasher,
      auth: input.auth === undefined ? undefined : authBlockOf(d, hasher, input.auth),
      request: requestJsonOf(d, hasher, input.request),
    };
    if (perDevice === undefined) shared.set(input.request, new Map([[d.entry.path, blocks]]));
    else perDevice.set(d.entry.path, blocks);
    return blocks;
  }

  function writeTo(
    d: LiveDevice,
    input: AuditRequestInput | AuditResponseInput,
    type: 'request' | 'response',
    time: string,
    awaited: boolean,
  ): Promise<void> {
    const blocks = blocksFor(d, input);
    const response = type === 'response' ? blocks.hasher.response(responseBlock(input as AuditResponseInput)) : undefined;
    const parts: LineParts = { time, type, auth: blocks.auth, request: blocks.request, response, error: input.error };
    return d.device.write(renderLine(parts, d.settings.prefix), awaited);
  }

  async function write(input: AuditRequestInput | AuditResponseInput, type: 'request' | 'response', awaited = false): Promise<void> {
    if (devices.size === 0) return;
    const time = isoNow();
    const only = devices.size === 1 ? devices.values().next().value : undefined;
    if (only !== undefined) {
      // the usual set-up: its failure is the failure of all devices
      try {
        return await writeTo(only, input, type, time, awaited);
      } catch (err) {
        throw auditFailure([err]);
      }
    }
    const live = [...devices.values()];
    const results = await Promise.allSettled(live.map((d) => writeTo(d, input, type, time, awaited)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [{ path: live[i]?.entry.path, err: r.reason }] : []));
    if (failed.length === results.length) throw auditFailure(failed.map((f) => f.err));
    for (const f of failed) warn(`audit device ${f.path ?? '?'} failed to write an entry`, f.err);
  }

  async function closeAll(): Promise<void> {
    const live = [...devices.values()];
    devices.clear();
    await Promise.all(live.map((d) => d.device.close().catch((err: unknown) => warn('closing an audit device failed', err))));
  }

  return {
    load: () =>
      exclusive(async () => {
        await closeAll();
        for (const entry of await readTable(storage)) {
          let salt = await storage.get(saltKey(entry.path));
          if (salt === undefined) {
            warn(`audit device ${entry.path} had no salt; a new one was made (old hashes no longer match)`, undefined);
            salt = newSalt();
            await storage.put(saltKey(entry.path), salt);
          }
          const hash = createAuditHasher(salt);
          let settings: DeviceSettings;
          try {
            settings = parseDeviceSettings(entry.type, entry.options);
          } catch (err) {
            // A stored device we cannot run still counts as enabled: its writes fail (closed).
            warn(`audit device ${entry.path} has invalid stored options`, err);
            devices.set(entry.path, { entry, settings: BROKEN_SETTINGS, device: brokenDevice(entry, err), hash, ...deviceMemos() });
            continue;
          }
          // Opened lazily: a file that cannot be opened makes writes fail (closed), not load.
          devices.set(entry.path, { entry, settings, device: makeDevice(entry, settings), hash, ...deviceMemos() });
        }
      }),

    enable: (rawPath, type, options = {}, description = '', local = false) =>
      exclusive(async () => {
        const path = normalizeDevicePath(rawPath);
        for (const existing of devices.keys()) {
          if (existing.startsWith(path) || path.startsWith(existing)) throw badRequest(`path "${path}" is already in use`);
        }
        const entry: AuditTableEntry = { path, type, description, options: { ...options }, local };
        const settings = parseDeviceSettings(type, entry.options);
        const device = makeDevice(entry, settings);
        try {
          await device.open?.();
        } catch (err) {
          await device.close().catch(() => undefined);
          throw badRequest('the audit device could not open its file', err);
        }
        const salt = newSalt();
        const table = [...[...devices.values()].map((d) => d.entry), entry];
        try {
          await saveEnabled(storage, table, path, salt);
        } catch (err) {
          await device.close().catch(() => undefined);
          throw err;
        }
        devices.set(path, { entry, settings, device, hash: createAuditHasher(salt), ...deviceMemos() });
      }),

    disable: (rawPath) =>
      exclusive(async () => {
        const path = normalizeDevicePath(rawPath);
        const live = devices.get(path);
        if (live === undefined) return;
        const table = [...devices.values()].filter((d) => d.entry.path !== path).map((d) => d.entry);
        await saveDisabled(storage, table, path);
        devices.delete(path);
        await live.device.close().catch((err: unknown) => warn(`closing audit device ${path} failed`, err));
      }),

    list() {
      const out: Record<string, AuditDeviceListing> = {};
      for (const { entry } of devices.values()) {
        out[entry.path] = {
          type: entry.type,
          description: entry.description,
          options: { ...entry.options },
          path: entry.path,
          local: entry.local,
        };
      }
      return out;
    },

    logRequest: (input, awaited) => write(input, 'request', awaited),
    logResponse: (input) => write(input, 'response'),

    async hash(rawPath, input) {
      const live = devices.get(normalizeDevicePath(rawPath));
      if (live === undefined) throw badRequest('unknown audit device');
      return live.hash(input);
    },

    hasDevices: () => devices.size > 0,

    async reopen() {
      await Promise.all([...devices.values()].map((d) => d.device.reopen()));
    },

    close: () => exclusive(closeAll),
  };
}
