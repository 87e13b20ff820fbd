/**
 * @module Listing mounts (secrets engines, auth methods, audit devices) as the vault CLI does:
 * `Path  Type  Accessor  Description`, more columns with `-detailed`.
 */
import { formatColumns, formatDuration, printStructured } from './output.js';
import type { OutputFlags } from './output.js';
import { dataOf, isRecord } from './secret-display.js';

function options(v: unknown): string {
  if (!isRecord(v) || Object.keys(v).length === 0) return 'n/a';
  return `map[${Object.entries(v)
    .map(([k, x]) => `${k}:${String(x)}`)
    .join(' ')}]`;
}

function ttl(v: unknown): string {
  const n = Number(v ?? 0);
  return n === 0 ? 'system' : formatDuration(n);
}

/** Prints a `sys/mounts` / `sys/auth` / `sys/audit` listing. */
export function printMounts(flags: OutputFlags, body: unknown, kind: 'secrets' | 'auth' | 'audit', detailed: boolean): void {
  const mounts = dataOf(body);
  if (flags.format === 'json' || flags.format === 'yaml') {
    printStructured(flags.format, mounts);
    return;
  }
  const paths = Object.keys(mounts).sort();
  if (kind === 'audit' && paths.length === 0) {
    process.stdout.write('No audit devices are enabled.\n');
    return;
  }
  const rows = paths.map((path) => {
    const m = isRecord(mounts[path]) ? mounts[path] : {};
    const cfg = isRecord(m.config) ? m.config : {};
    const type = String(m.type ?? '');
    const description = String(m.description ?? '');
    if (kind === 'audit') {
      return detailed ? [path, type, description, m.local ? 'local' : 'replicated', options(m.options)] : [path, type, description];
    }
    if (!detailed) return [path, type, String(m.accessor ?? ''), description];
    return [path, type, String(m.accessor ?? ''), ttl(cfg.default_lease_ttl), ttl(cfg.max_lease_ttl), m.local ? 'local' : 'replicated', String(m.seal_wrap ?? false), options(m.options), description, String(m.uuid ?? '')];
  });
  const headers =
    kind === 'audit'
      ? detailed
        ? ['Path', 'Type', 'Description', 'Replication', 'Options']
        : ['Path', 'Type', 'Description']
      : detailed
        ? ['Path', kind === 'auth' ? 'Plugin' : 'Type', 'Accessor', 'Default TTL', 'Max TTL', 'Replication', 'Seal Wrap', 'Options', 'Description', 'UUID']
        : ['Path', 'Type', 'Accessor', 'Description'];
  process.stdout.write(`${formatColumns(headers, rows)}\n`);
}

/** `secret` → `secret/`. */
export function mountPath(path: string): string {
  return `${path.replace(/^\/+|\/+$/g, '')}/`;
}
