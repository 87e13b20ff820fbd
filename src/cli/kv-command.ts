/**
 * @module `hush kv …`: the vault CLI's key/value commands. Like vault, each command first asks
 * `sys/internal/ui/mounts/<path>` which mount serves the path and which KV version it runs;
 * version 2 puts `data/`, `metadata/`, `delete/`… between the mount and the key.
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { collectPairs, parseBool, parseIntFlag, parseKeyValues, parseVersions } from './cli-input.js';
import {
  formatSections,
  formatTable,
  printList,
  printRaw,
  printStructured,
  printSuccess,
  pickField,
  withFormatFlag,
  withOutputFlags,
} from './output.js';
import type { OutputFlags } from './output.js';
import { isRecord, printWarnings, sortedRows } from './secret-display.js';
import type { ApiBody } from './secret-display.js';
import { ApiError } from '../client/hush-client.js';
import type { HushClient } from '../client/hush-client.js';
import { printSecret } from './generic-commands.js';
import { withWrapTtlFlag, wrapInfoOf, wrappingClient } from './wrapping.js';
import type { WrapFlags } from './wrapping.js';

/** Where a KV path lives: the mount (`secret/`), the key below it, and the engine version. */
export interface KvTarget {
  readonly mount: string;
  readonly key: string;
  readonly v2: boolean;
}

interface MountFlag {
  readonly mount?: string;
}

/** Finds the mount and KV version serving `path` (with `-mount`, `path` is below that mount). */
export async function resolveKvPath(client: HushClient, path: string, mountFlag?: string): Promise<KvTarget> {
  const clean = path.replace(/^\/+/, '');
  const full = mountFlag ? `${mountFlag.replace(/^\/+|\/+$/g, '')}/${clean}` : clean;
  let res;
  try {
    res = await client.read<ApiBody>(`sys/internal/ui/mounts/${full.replace(/\/+$/, '')}`);
  } catch (err) {
    // Servers without the pre-flight route: assume KV v1 at the first segment, like vault.
    if (err instanceof ApiError && err.status === 404) {
      const mount = mountFlag ? `${mountFlag.replace(/^\/+|\/+$/g, '')}/` : `${full.split('/')[0]}/`;
      return { mount, key: full.slice(mount.length), v2: false };
    }
    throw err;
  }
  const data = isRecord(res.body?.data) ? res.body.data : {};
  const mount = typeof data.path === 'string' && data.path !== '' ? data.path.replace(/\/?$/, '/') : `${full.split('/')[0]}/`;
  const options = isRecord(data.options) ? data.options : {};
  const version = String(options.version ?? '1');
  if (typeof data.type === 'string' && !['kv', 'generic', 'cubbyhole'].includes(data.type)) {
    throw new CliError(`${mount} is a ${data.type} mount, not a KV secrets engine`, 2);
  }
  const key = full.startsWith(mount) ? full.slice(mount.length) : full.slice(full.indexOf('/') + 1);
  return { mount, key, v2: version === '2' };
}

function v2Path(t: KvTarget, segment: string): string {
  return `${t.mount}${segment}/${t.key}`;
}

function apiPath(t: KvTarget, segment: string): string {
  return t.v2 ? v2Path(t, segment) : `${t.mount}${t.key}`;
}

function needV2(t: KvTarget, what: string): void {
  if (!t.v2) throw new CliError(`${what} is not supported on KV version 1 mounts (${t.mount})`, 1);
}

function noValue(path: string): CliError {
  return new CliError(`No value found at ${path}`, 2);
}

/** The metadata block as vault prints it (`custom_metadata <nil>`, `deletion_time n/a`). */
function versionRows(meta: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rows = sortedRows(meta);
  if ('custom_metadata' in rows && rows.custom_metadata === null) rows.custom_metadata = '<nil>';
  if (rows.deletion_time === '') rows.deletion_time = 'n/a';
  return rows;
}

function printWritten(flags: OutputFlags, t: KvTarget, path: string, body: ApiBody | undefined): void {
  printWarnings(body, flags.format);
  const meta = isRecord(body?.data) ? body.data : undefined;
  if (flags.field) {
    printRaw(pickField(flags.field, meta));
    return;
  }
  if (flags.format === 'json' || flags.format === 'yaml') {
    printStructured(flags.format, body ?? {});
    return;
  }
  if (!t.v2 || !meta) {
    process.stdout.write(`Success! Data written to: ${path}\n`);
    return;
  }
  process.stdout.write(
    `${formatSections([
      { title: 'Secret Path', body: path },
      { title: 'Metadata', body: formatTable(versionRows(meta)) },
    ])}\n`,
  );
}

async function kvGet(path: string, flags: OutputFlags & MountFlag & WrapFlags & { version?: string }): Promise<void> {
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  const p = apiPath(t, 'data');
  const version = parseIntFlag(flags.version, '-version');
  if (version !== undefined && !t.v2) throw new CliError('-version is not supported on KV version 1 mounts', 1);
  // only the read itself is wrapped, not the mount lookup before it
  const res = await wrappingClient(flags).request<ApiBody>('GET', p, undefined, version ? { version: String(version) } : undefined, {}, [404]);
  const body = res.body;
  if (wrapInfoOf(body)) {
    printSecret(flags, body);
    return;
  }
  const outer = isRecord(body?.data) ? body.data : undefined;
  const data = t.v2 ? (isRecord(outer?.data) ? outer.data : undefined) : outer;
  const meta = t.v2 && isRecord(outer?.metadata) ? outer.metadata : undefined;
  if (res.status === 404 && !meta) throw noValue(p);
  printWarnings(body, flags.format);
  if (flags.field) {
    if (!data) throw noValue(p);
    printRaw(pickField(flags.field, data, meta));
    return;
  }
  if (flags.format === 'json' || flags.format === 'yaml') {
    printStructured(flags.format, body);
    return;
  }
  const sections: { title: string; body: string }[] = [];
  if (t.v2) sections.push({ title: 'Secret Path', body: p });
  if (meta) sections.push({ title: 'Metadata', body: formatTable(versionRows(meta)) });
  if (data) sections.push({ title: 'Data', body: formatTable(sortedRows(data)) });
  process.stdout.write(`${formatSections(sections)}\n`);
  if (!data && meta) {
    process.stderr.write(`(version ${String(meta.version)} was ${meta.destroyed ? 'destroyed' : 'deleted'}; its data is not available)\n`);
    process.exitCode = 2;
  }
}

async function kvPut(path: string, args: readonly string[], flags: OutputFlags & MountFlag & { cas?: string }): Promise<void> {
  if (args.length === 0) throw new CliError('Must supply data', 1);
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  const data = await parseKeyValues(args);
  const p = apiPath(t, 'data');
  const cas = parseIntFlag(flags.cas, '-cas');
  const res = t.v2
    ? await client.write<ApiBody>(p, { data, ...(cas !== undefined && cas >= 0 ? { options: { cas } } : {}) })
    : await client.write<ApiBody>(p, data);
  printWritten(flags, t, p, res.body);
}

async function kvPatch(
  path: string,
  args: readonly string[],
  flags: OutputFlags & MountFlag & { cas?: string; method?: string },
): Promise<void> {
  if (args.length === 0) throw new CliError('Must supply data', 1);
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  needV2(t, 'kv patch');
  const data = await parseKeyValues(args);
  const p = v2Path(t, 'data');
  const cas = parseIntFlag(flags.cas, '-cas');
  const method = flags.method ?? 'patch';
  if (method !== 'patch' && method !== 'rw') throw new CliError(`unsupported -method "${method}": use patch or rw`, 1);
  if (method === 'patch') {
    try {
      const res = await client.patch<ApiBody>(p, { data, ...(cas !== undefined ? { options: { cas } } : {}) });
      printWritten(flags, t, p, res.body);
      return;
    } catch (err) {
      // Like vault: fall back to read-then-write when PATCH is not allowed or not served.
      if (!(err instanceof ApiError) || (err.status !== 403 && err.status !== 405) || flags.method === 'patch') throw err;
    }
  }
  const current = await client.request<ApiBody>('GET', p, undefined, undefined, {}, [404]);
  const outer = isRecord(current.body?.data) ? current.body.data : undefined;
  if (current.status === 404 || !isRecord(outer?.data)) throw noValue(p);
  const version = isRecord(outer.metadata) ? Number(outer.metadata.version) : undefined;
  const res = await client.write<ApiBody>(p, { data: { ...outer.data, ...data }, options: { cas: cas ?? version } });
  printWritten(flags, t, p, res.body);
}

async function kvList(path: string, flags: OutputFlags & MountFlag & WrapFlags): Promise<void> {
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path.endsWith('/') || path === '' ? path : `${path}/`, flags.mount);
  const p = apiPath(t, 'metadata');
  const res = await wrappingClient(flags).request<ApiBody>('GET', p, undefined, { list: 'true' }, {}, [404]);
  if (wrapInfoOf(res.body)) {
    printSecret(flags, res.body);
    return;
  }
  const keys = isRecord(res.body?.data) && Array.isArray(res.body.data.keys) ? res.body.data.keys.map(String) : undefined;
  if (res.status === 404 || !keys) throw noValue(p);
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, keys);
  else printList(flags, keys);
}

async function kvDelete(path: string, flags: OutputFlags & MountFlag & { versions?: string }): Promise<void> {
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  if (flags.versions !== undefined) {
    needV2(t, '-versions');
    const p = v2Path(t, 'delete');
    await client.write(p, { versions: parseVersions(flags.versions) });
    printSuccess(flags, `Success! Data deleted (if it existed) at: ${p}`, {});
    return;
  }
  const p = apiPath(t, 'data');
  await client.delete(p);
  printSuccess(flags, `Success! Data deleted (if it existed) at: ${p}`, {});
}

async function kvVersionsOp(
  op: 'undelete' | 'destroy',
  path: string,
  flags: OutputFlags & MountFlag & { versions?: string },
): Promise<void> {
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  needV2(t, `kv ${op}`);
  const p = v2Path(t, op);
  await client.write(p, { versions: parseVersions(flags.versions) });
  printSuccess(flags, `Success! Data written to: ${p}`, {});
}

async function kvRollback(path: string, flags: OutputFlags & MountFlag & { version?: string }): Promise<void> {
  const version = parseIntFlag(flags.version, '-version');
  if (version === undefined || version <= 0) throw new CliError('Must specify a -version=N to roll back to', 1);
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  needV2(t, 'kv rollback');
  const metaRes = await client.request<ApiBody>('GET', v2Path(t, 'metadata'), undefined, undefined, {}, [404]);
  const meta = isRecord(metaRes.body?.data) ? metaRes.body.data : undefined;
  if (metaRes.status === 404 || !meta) throw noValue(v2Path(t, 'metadata'));
  const current = Number(meta.current_version);
  const versions = isRecord(meta.versions) ? meta.versions : {};
  const target = versions[String(version)];
  if (!isRecord(target)) throw new CliError(`version ${version} does not exist at ${v2Path(t, 'data')}`, 2);
  if (target.destroyed === true) throw new CliError(`version ${version} was destroyed and cannot be rolled back to`, 2);
  if (typeof target.deletion_time === 'string' && target.deletion_time !== '') {
    throw new CliError(`version ${version} is deleted: undelete it first (hush kv undelete -versions=${version})`, 2);
  }
  const p = v2Path(t, 'data');
  const old = await client.read<ApiBody>(p, { version: String(version) });
  const outer = isRecord(old.body?.data) ? old.body.data : {};
  if (!isRecord(outer.data)) throw noValue(p);
  const res = await client.write<ApiBody>(p, { data: outer.data, options: { cas: current } });
  printWritten(flags, t, p, res.body);
}

async function kvMetadataGet(path: string, flags: OutputFlags & MountFlag): Promise<void> {
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  needV2(t, 'kv metadata');
  const p = v2Path(t, 'metadata');
  const res = await client.request<ApiBody>('GET', p, undefined, undefined, {}, [404]);
  const meta = isRecord(res.body?.data) ? res.body.data : undefined;
  if (res.status === 404 || !meta) throw noValue(p);
  if (flags.field) {
    printRaw(pickField(flags.field, meta));
    return;
  }
  if (flags.format === 'json' || flags.format === 'yaml') {
    printStructured(flags.format, res.body);
    return;
  }
  const { versions, ...rest } = meta;
  const sections = [
    { title: 'Metadata Path', body: p },
    { title: 'Metadata', body: formatTable(versionRows(rest)) },
  ];
  if (isRecord(versions)) {
    for (const v of Object.keys(versions).sort((a, b) => Number(a) - Number(b))) {
      const entry = versions[v];
      if (isRecord(entry)) sections.push({ title: `Version ${v}`, body: formatTable(versionRows(entry)) });
    }
  }
  process.stdout.write(`${formatSections(sections)}\n`);
}

interface MetadataPutFlags extends OutputFlags, MountFlag {
  maxVersions?: string;
  casRequired?: string | boolean;
  deleteVersionAfter?: string;
  customMetadata?: Record<string, string>;
}

async function kvMetadataPut(path: string, flags: MetadataPutFlags): Promise<void> {
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  needV2(t, 'kv metadata');
  const p = v2Path(t, 'metadata');
  const body: Record<string, unknown> = {};
  const max = parseIntFlag(flags.maxVersions, '-max-versions');
  if (max !== undefined) body.max_versions = max;
  const cas = parseBool(flags.casRequired, '-cas-required');
  if (cas !== undefined) body.cas_required = cas;
  if (flags.deleteVersionAfter !== undefined) body.delete_version_after = flags.deleteVersionAfter;
  if (flags.customMetadata) body.custom_metadata = flags.customMetadata;
  await client.write(p, body);
  printSuccess(flags, `Success! Data written to: ${p}`, {});
}

async function kvMetadataDelete(path: string, flags: OutputFlags & MountFlag): Promise<void> {
  const client = clientFromEnv();
  const t = await resolveKvPath(client, path, flags.mount);
  needV2(t, 'kv metadata');
  const p = v2Path(t, 'metadata');
  await client.delete(p);
  printSuccess(flags, `Success! Data deleted (if it existed) at: ${p}`, {});
}

const MOUNT_HELP = 'the KV mount; the path is then taken as relative to it';

function kvLeaf(name: string, description: string, field = false): Command {
  const cmd = new Command(name).description(description).option('--mount <path>', MOUNT_HELP);
  return field ? withOutputFlags(cmd) : withFormatFlag(cmd);
}

export function createKvCommand(): Command {
  const kv = new Command('kv').description('Read and write key/value secrets (KV v1 and v2)');

  kv.addCommand(
    withWrapTtlFlag(kvLeaf('get', 'Read a secret (the latest version, or -version=N)', true))
      .option('--version <n>', 'the version to read (KV v2)')
      .argument('<path>')
      .action((path: string, flags) => kvGet(path, flags)),
  );
  kv.addCommand(
    kvLeaf('put', 'Write a secret: K=V, K=@file, K=- (stdin), or - for a JSON object on stdin', true)
      .option('--cas <n>', 'check-and-set: write only if the current version is n (0: only if absent)')
      .argument('<path>')
      .argument('[data...]')
      .action((path: string, data: string[], flags) => kvPut(path, data, flags)),
  );
  kv.addCommand(
    kvLeaf('patch', 'Change some keys of a secret, keeping the others (KV v2)', true)
      .option('--cas <n>', 'check-and-set version')
      .option('--method <method>', 'patch (HTTP PATCH) or rw (read, then write)')
      .argument('<path>')
      .argument('[data...]')
      .action((path: string, data: string[], flags) => kvPatch(path, data, flags)),
  );
  kv.addCommand(
    withWrapTtlFlag(kvLeaf('list', 'List the keys below a path', true))
      .argument('<path>')
      .action((path: string, flags) => kvList(path, flags)),
  );
  kv.addCommand(
    kvLeaf('delete', 'Delete the latest version (or -versions=1,2) of a secret; data can be undeleted on KV v2')
      .option('--versions <list>', 'versions to delete (KV v2)')
      .argument('<path>')
      .action((path: string, flags) => kvDelete(path, flags)),
  );
  kv.addCommand(
    kvLeaf('undelete', 'Restore deleted versions of a secret (KV v2)')
      .option('--versions <list>', 'versions to restore')
      .argument('<path>')
      .action((path: string, flags) => kvVersionsOp('undelete', path, flags)),
  );
  kv.addCommand(
    kvLeaf('destroy', 'Permanently remove the data of some versions (KV v2)')
      .option('--versions <list>', 'versions to destroy')
      .argument('<path>')
      .action((path: string, flags) => kvVersionsOp('destroy', path, flags)),
  );
  kv.addCommand(
    kvLeaf('rollback', 'Write an older version again as the newest one (KV v2)', true)
      .option('--version <n>', 'the version to restore')
      .argument('<path>')
      .action((path: string, flags) => kvRollback(path, flags)),
  );

  const metadata = new Command('metadata').description('Read and change the metadata of KV v2 secrets');
  metadata.addCommand(
    kvLeaf('get', 'Show a secret\'s metadata and versions', true)
      .argument('<path>')
      .action((path: string, flags) => kvMetadataGet(path, flags)),
  );
  metadata.addCommand(
    kvLeaf('put', 'Set a secret\'s settings and custom metadata')
      .option('--max-versions <n>', 'versions to keep (0: the mount\'s setting)')
      .option('--cas-required [bool]', 'require check-and-set on writes')
      .option('--delete-version-after <duration>', 'delete versions after this long (e.g. 720h; 0s: never)')
      .option('--custom-metadata <k=v>', 'a custom metadata pair (repeatable)', collectPairs)
      .argument('<path>')
      .action((path: string, flags: MetadataPutFlags) => kvMetadataPut(path, flags)),
  );
  metadata.addCommand(
    kvLeaf('delete', 'Delete a secret with all its versions and metadata')
      .argument('<path>')
      .action((path: string, flags) => kvMetadataDelete(path, flags)),
  );
  kv.addCommand(metadata);
  return kv;
}
