/**
 * @module The mount table: which engine or auth method answers below which path. Entries are
 * persisted as one JSON document through the barrier (`core/mounts`, `core/auth`), each with a
 * random UUID that names its storage prefix, so renaming or re-mounting never exposes another
 * mount's data. Lookup is a longest-prefix match over whole path segments.
 */
import { randomUUID } from 'node:crypto';
import type { MountTokenType } from '../../auth/token-type-setting.js';
import { HushError } from '../../lib/errors.js';
import type { Storage } from '../../storage/storage.js';

export interface MountEntry {
  /** Mount path with trailing slash, e.g. `secret/` (auth mounts: `approle/`, without `auth/`). */
  readonly path: string;
  readonly type: string;
  readonly description: string;
  /** Names the mount's storage prefix; never reused. */
  readonly uuid: string;
  readonly accessor: string;
  readonly options: Readonly<Record<string, string>>;
  readonly config: Readonly<MountTuning>;
  readonly local: boolean;
  readonly sealWrap: boolean;
  readonly runningVersion: string;
  /** Mounts the core creates and users cannot disable or move (`sys/`, `cubbyhole/`, `token/`). */
  readonly builtin: boolean;
}

export interface MountTuning {
  readonly default_lease_ttl: number;
  readonly max_lease_ttl: number;
  readonly force_no_cache: boolean;
  readonly audit_non_hmac_request_keys?: readonly string[];
  readonly audit_non_hmac_response_keys?: readonly string[];
  readonly listing_visibility?: string;
  readonly passthrough_request_headers?: readonly string[];
  readonly allowed_response_headers?: readonly string[];
  /** Auth mounts: lockout settings (`lockout_threshold`, `lockout_duration` seconds, …). */
  readonly user_lockout_config?: Readonly<Record<string, number | boolean>>;
  /** Auth mounts other than `token/`: the kind of token logins issue (absent = `default-service`). */
  readonly token_type?: MountTokenType;
}

export const defaultTuning: MountTuning = Object.freeze({
  default_lease_ttl: 0,
  max_lease_ttl: 0,
  force_no_cache: false,
});

/** Normalises a user-supplied mount path to `a/b/` form and rejects the unsafe ones. */
export function normalizeMountPath(raw: string): string {
  const trimmed = raw.trim().replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '') throw new HushError('bad_request', 'mount path cannot be empty');
  if (trimmed.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    throw new HushError('bad_request', `invalid mount path "${raw}"`);
  }
  return `${trimmed}/`;
}

export class MountTable {
  readonly #storage: Storage;
  readonly #key: string;
  readonly #accessorPrefix: string;
  #entries = new Map<string, MountEntry>();
  /** Paths sorted longest first, for the prefix match. */
  #sorted: string[] = [];

  constructor(storage: Storage, key: string, accessorPrefix: string) {
    this.#storage = storage;
    this.#key = key;
    this.#accessorPrefix = accessorPrefix;
  }

  /** Loads the table from storage; returns false when none has been saved yet. */
  async load(): Promise<boolean> {
    const raw = await this.#storage.get(this.#key);
    this.#entries.clear();
    if (raw) {
      const list = JSON.parse(Buffer.from(raw).toString('utf8')) as MountEntry[];
      for (const e of list) this.#entries.set(e.path, e);
    }
    this.#resort();
    return raw !== undefined;
  }

  entries(): MountEntry[] {
    return [...this.#entries.values()].sort((a, b) => a.path.localeCompare(b.path));
  }

  get(path: string): MountEntry | undefined {
    return this.#entries.get(path);
  }

  /** The mount whose path is the longest whole-segment prefix of `path`. */
  match(path: string): { entry: MountEntry; rest: string } | undefined {
    const withSlash = path.endsWith('/') ? path : `${path}/`;
    for (const mountPath of this.#sorted) {
      if (withSlash.startsWith(mountPath)) {
        const entry = this.#entries.get(mountPath)!;
        return { entry, rest: path.slice(Math.min(mountPath.length, path.length)) };
      }
    }
    return undefined;
  }

  /** Adds a mount; refuses a path that overlaps an existing one (Vault refuses nesting too). */
  async add(init: {
    path: string;
    type: string;
    description?: string;
    options?: Record<string, string>;
    config?: Partial<MountTuning>;
    local?: boolean;
    sealWrap?: boolean;
    builtin?: boolean;
  }): Promise<MountEntry> {
    const path = normalizeMountPath(init.path);
    for (const existing of this.#entries.keys()) {
      if (existing.startsWith(path) || path.startsWith(existing)) {
        throw new HushError('bad_request', `path is already in use at ${existing}`);
      }
    }
    const entry: MountEntry = {
      path,
      type: init.type,
      description: init.description ?? '',
      uuid: randomUUID(),
      accessor: `${this.#accessorPrefix}${init.type}_${randomUUID().slice(0, 8)}`,
      options: { ...(init.options ?? {}) },
      config: { ...defaultTuning, ...(init.config ?? {}) },
      local: init.local ?? false,
      sealWrap: init.sealWrap ?? false,
      runningVersion: 'builtin',
      builtin: init.builtin ?? false,
    };
    this.#entries.set(path, entry);
    await this.#save();
    return entry;
  }

  async remove(path: string): Promise<MountEntry | undefined> {
    const entry = this.#entries.get(path);
    if (!entry) return undefined;
    this.#entries.delete(path);
    await this.#save();
    return entry;
  }

  async update(path: string, change: (e: MountEntry) => MountEntry): Promise<MountEntry> {
    const entry = this.#entries.get(path);
    if (!entry) throw new HushError('bad_request', `no mount at ${path}`);
    const next = change(entry);
    this.#entries.set(path, next);
    await this.#save();
    return next;
  }

  /** Moves a mount to a new path keeping its UUID (and so its data). */
  async move(from: string, to: string): Promise<MountEntry> {
    const entry = this.#entries.get(from);
    if (!entry) throw new HushError('bad_request', `no mount at ${from}`);
    const target = normalizeMountPath(to);
    for (const existing of this.#entries.keys()) {
      if (existing !== from && (existing.startsWith(target) || target.startsWith(existing))) {
        throw new HushError('bad_request', `path is already in use at ${existing}`);
      }
    }
    this.#entries.delete(from);
    const moved = { ...entry, path: target };
    this.#entries.set(target, moved);
    await this.#save();
    return moved;
  }

  async #save(): Promise<void> {
    this.#resort();
    const json = JSON.stringify([...this.#entries.values()]);
    await this.#storage.put(this.#key, new TextEncoder().encode(json));
  }

  #resort(): void {
    this.#sorted = [...this.#entries.keys()].sort((a, b) => b.length - a.length);
  }
}
