/**
 * @module Walks KV mounts (v1 and v2) on behalf of a token and yields the secrets it may read,
 * with their current and recent readable versions, one secret at a time. Everything goes through
 * the engine's own API (list, read) rather than its storage layout, and every folder and secret
 * is checked against the caller's ACL with the path a direct request would use: a folder is
 * entered only when the token may `list` it, a secret is read only when the token may `read` it.
 * So the walk never learns (or reveals) more than the token could fetch itself.
 */
import { randomUUID } from 'node:crypto';
import { HushError, isHushError } from '../../lib/errors.js';
import type { Acl } from '../../policy/acl.js';
import type { EngineResponse, SecretsEngine } from '../../engines/engine.js';
import type { CoreServices } from '../core-services.js';
import { normalizeMountPath } from '../router/mount-table.js';
import type { MountEntry } from '../router/mount-table.js';

/** One readable version of one secret. */
export interface WalkedVersion {
  /** Mount path with trailing slash, e.g. `secret/`. */
  readonly mount: string;
  /** Path below the mount, e.g. `myapp/db`. */
  readonly path: string;
  /** KV v2 version; 0 for KV v1 (unversioned). */
  readonly version: number;
  /** KV v2 current version of the secret; 0 for KV v1. */
  readonly currentVersion: number;
  readonly data: Readonly<Record<string, unknown>>;
}

export interface WalkOptions {
  /** Mount paths to walk (`secret` or `secret/`); default every KV mount. */
  readonly mounts?: readonly string[];
  /** Full paths (`secret/myapp/` a folder, `secret/myapp/db` a secret and the folder below it). */
  readonly paths?: readonly string[];
  /** Readable versions per secret, newest first (1 = the current version only). */
  readonly versions: number;
  /** Stop after this many secrets and report `truncated`. */
  readonly maxSecrets: number;
}

/** What a walk found, besides the versions it handed to its visitor. */
export interface WalkResult {
  readonly secrets: number;
  readonly truncated: boolean;
  /** Folders below a listable one that the token may not list, and secrets it may not read. */
  readonly unlistableFolders: number;
  readonly unreadableSecrets: number;
}

type Services = Pick<CoreServices, 'mounts' | 'engineFor'>;

interface KvMount {
  readonly entry: MountEntry;
  readonly engine: SecretsEngine;
  readonly v2: boolean;
}

/** Work item: a folder to list (ends with `/`, `''` for the root) or a secret to read. */
interface Item {
  readonly mount: KvMount;
  readonly rel: string;
  readonly kind: 'folder' | 'secret';
  /** A folder named explicitly by the caller may be missing or unlistable without counting. */
  readonly quiet?: boolean;
}

/**
 * Walks the secrets `options` name, calling `visit` with the readable versions of each secret
 * (newest first) as it is read: the caller digests them before the next secret is read, so a
 * walk over many secrets never holds all their values at once.
 */
export async function walkKvSecrets(
  services: Services,
  acl: Acl,
  options: WalkOptions,
  visit: (versions: readonly WalkedVersion[]) => void,
): Promise<WalkResult> {
  const queue = startItems(services, options);
  const seen = new Set<string>();
  let secrets = 0;
  let truncated = false;
  let unlistableFolders = 0;
  let unreadableSecrets = 0;

  for (let i = 0; i < queue.length; i++) {
    const item = queue[i]!;
    const { entry, v2 } = item.mount;
    if (item.kind === 'folder') {
      const listPath = v2 ? `${entry.path}metadata/${item.rel}` : `${entry.path}${item.rel}`;
      if (!acl.allowOperation(listPath, 'list').allowed) {
        if (item.quiet !== true) unlistableFolders++;
        continue;
      }
      for (const key of await listFolder(item.mount, item.rel)) {
        const rel = item.rel + key;
        queue.push({ mount: item.mount, rel, kind: key.endsWith('/') ? 'folder' : 'secret' });
      }
      continue;
    }
    const id = entry.path + item.rel;
    if (seen.has(id)) continue;
    seen.add(id);
    const readPath = v2 ? `${entry.path}data/${item.rel}` : id;
    if (!acl.allowOperation(readPath, 'read').allowed) {
      if (item.quiet !== true) unreadableSecrets++;
      continue;
    }
    if (secrets >= options.maxSecrets) {
      truncated = true;
      break;
    }
    const found = await readVersions(item.mount, item.rel, options.versions);
    if (found.length === 0) continue;
    secrets++;
    visit(found);
  }
  return { secrets, truncated, unlistableFolders, unreadableSecrets };
}

function kvMount(services: Services, entry: MountEntry): KvMount | undefined {
  if (entry.type !== 'kv') return undefined;
  const engine = services.engineFor(entry);
  return engine === undefined ? undefined : { entry, engine, v2: entry.options['version'] === '2' };
}

function startItems(services: Services, options: WalkOptions): Item[] {
  const table = services.mounts();
  const items: Item[] = [];
  for (const raw of options.mounts ?? []) {
    const path = normalizeMountPath(raw);
    const entry = table.get(path);
    const mount = entry === undefined ? undefined : kvMount(services, entry);
    if (mount === undefined) throw new HushError('bad_request', `"${path}" is not a KV mount`);
    items.push({ mount, rel: '', kind: 'folder' });
  }
  for (const raw of options.paths ?? []) {
    const full = raw.replace(/^\/+/, '');
    if (full.split('/').some((seg) => seg === '.' || seg === '..')) throw new HushError('bad_request', `invalid path "${full}"`);
    const routed = table.match(full);
    const mount = routed === undefined ? undefined : kvMount(services, routed.entry);
    if (routed === undefined || mount === undefined) throw new HushError('bad_request', `"${full}" is not below a KV mount`);
    const rel = stripApiSegment(routed.rest, mount.v2);
    if (rel === '' || rel.endsWith('/')) {
      items.push({ mount, rel, kind: 'folder' });
    } else {
      items.push({ mount, rel, kind: 'secret', quiet: true }, { mount, rel: `${rel}/`, kind: 'folder', quiet: true });
    }
  }
  if (items.length === 0) {
    for (const entry of table.entries()) {
      const mount = kvMount(services, entry);
      if (mount !== undefined) items.push({ mount, rel: '', kind: 'folder' });
    }
  }
  return items;
}

/** `secret/data/app` and `secret/metadata/app` name the same secret as `secret/app` does. */
function stripApiSegment(rest: string, v2: boolean): string {
  if (!v2) return rest;
  const m = /^(?:data|metadata)(?:\/(.*))?$/.exec(rest);
  return m === null ? rest : (m[1] ?? '');
}

async function call(engine: SecretsEngine, mount: MountEntry, operation: 'list' | 'read', path: string, query: Record<string, string> = {}): Promise<EngineResponse | undefined> {
  try {
    return await engine.handle({ id: randomUUID(), operation, path, data: {}, query, headers: {}, mountPoint: mount.path });
  } catch (err) {
    // Gone between the listing and the read, or never there: nothing to fingerprint.
    if (isHushError(err, 'not_found')) return undefined;
    throw err;
  }
}

async function listFolder(mount: KvMount, folder: string): Promise<string[]> {
  const res = await call(mount.engine, mount.entry, 'list', mount.v2 ? `metadata/${folder}` : folder);
  const keys = res?.data?.['keys'];
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string' && k !== '') : [];
}

/** The readable versions of one secret, newest first (the current one first when readable). */
async function readVersions(mount: KvMount, rel: string, versions: number): Promise<WalkedVersion[]> {
  const base = { mount: mount.entry.path, path: rel };
  if (!mount.v2) {
    const res = await call(mount.engine, mount.entry, 'read', rel);
    return res?.data ? [{ ...base, version: 0, currentVersion: 0, data: res.data }] : [];
  }
  const current = await call(mount.engine, mount.entry, 'read', `data/${rel}`);
  const meta = current?.data?.['metadata'] as { version?: unknown } | undefined;
  const currentVersion = typeof meta?.version === 'number' ? meta.version : 0;
  if (current === undefined || currentVersion === 0) return [];
  const out: WalkedVersion[] = [];
  for (let v = currentVersion; v >= 1 && v > currentVersion - versions; v--) {
    const res = v === currentVersion ? current : await call(mount.engine, mount.entry, 'read', `data/${rel}`, { version: String(v) });
    // A soft-deleted or destroyed version answers 404 with `data: null`.
    const data = res !== undefined && (res.status ?? 200) < 300 ? res.data?.['data'] : undefined;
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      out.push({ ...base, version: v, currentVersion, data: data as Record<string, unknown> });
    }
  }
  return out;
}
