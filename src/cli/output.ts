/**
 * @module Printing command results the way the `vault` CLI does: `--format table|json|yaml`
 * and `--field NAME` (prints one value, raw, for scripts: no trailing newline when stdout is not
 * a terminal, like vault). Tables are `Key  Value` pairs, column lists, or titled sections.
 */
import { Option } from 'commander';
import type { Command } from 'commander';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { HushError } from '../lib/errors.js';

// Loaded only when YAML is asked for: it is the largest module every command would otherwise load.
const toYaml = (value: unknown): string => (createRequire(import.meta.url)('yaml') as typeof Yaml).stringify(value);

export type OutputFormat = 'table' | 'json' | 'yaml';

export interface OutputFlags {
  readonly format?: OutputFormat;
  readonly field?: string;
}

function defaultFormat(): string {
  const env = process.env.HUSH_FORMAT ?? process.env.VAULT_FORMAT;
  return env === 'json' || env === 'yaml' || env === 'table' ? env : 'table';
}

/** Adds `--format` to a command. */
export function withFormatFlag(cmd: Command): Command {
  return cmd.addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'yaml']).default(defaultFormat()));
}

/** Adds `--format` and `--field` to a command. */
export function withOutputFlags(cmd: Command): Command {
  return withFormatFlag(cmd).option('--field <name>', 'print only this field, without decoration');
}

/** How vault renders one value in a table cell. */
export function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'n/a';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x !== 'object')) return `[${v.join(' ')}]`;
  if (typeof v === 'object' && Object.values(v).every((x) => typeof x !== 'object' || x === null)) {
    return `map[${Object.entries(v)
      .map(([k, x]) => `${k}:${x === null ? '<nil>' : String(x)}`)
      .join(' ')}]`;
  }
  return JSON.stringify(v);
}

/** Columns padded to their widest cell, four spaces apart (the vault CLI's tables). */
export function formatColumns(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('    ')
      .trimEnd();
  return [line(headers), line(headers.map((h) => '-'.repeat(h.length))), ...rows.map(line)].join('\n');
}

/** A two-column `Key  Value` table like the vault CLI's. */
export function formatTable(rows: Readonly<Record<string, unknown>>, headers: [string, string] = ['Key', 'Value']): string {
  return formatColumns(
    headers,
    Object.entries(rows).map(([k, v]) => [k, scalar(v)]),
  );
}

/** `====== Title ======`, about as wide as vault's. */
export function sectionHeader(title: string): string {
  const pad = Math.max(2, Math.floor((24 - title.length - 2) / 2));
  return `${'='.repeat(pad)} ${title} ${'='.repeat(pad)}`;
}

/** Titled blocks separated by blank lines (`hush kv get`). */
export function formatSections(sections: readonly { title: string; body: string }[]): string {
  return sections.map((s) => `${sectionHeader(s.title)}\n${s.body}`).join('\n\n');
}

/** Prints one value raw (`-field`). Strings as they are, others as JSON. */
export function printRaw(value: unknown): void {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  process.stdout.write(process.stdout.isTTY ? `${text}\n` : text);
}

/** Picks `--field` from `fields` (in order), failing with one line when absent. */
export function pickField(name: string, ...sources: readonly (Readonly<Record<string, unknown>> | undefined)[]): unknown {
  for (const src of sources) if (src && Object.prototype.hasOwnProperty.call(src, name)) return src[name];
  throw new HushError('bad_request', `Field "${name}" not present in secret`);
}

export function printStructured(format: OutputFormat | undefined, whole: unknown): void {
  if (format === 'yaml') process.stdout.write(toYaml(whole ?? null));
  else process.stdout.write(`${JSON.stringify(whole ?? null, null, 2)}\n`);
}

/**
 * Prints a result: `whole` for json/yaml (the API response as is), `table` (or the rows as a
 * Key/Value table) otherwise; `--field` picks one key from the rows and wins over the format.
 */
export function printResult(flags: OutputFlags, whole: unknown, rows: Readonly<Record<string, unknown>>, table?: string): void {
  if (flags.field) {
    printRaw(pickField(flags.field, rows));
    return;
  }
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, whole);
  else process.stdout.write(`${table ?? formatTable(rows)}\n`);
}

/** Prints a list of keys (`hush kv list`, `hush policy list`). */
export function printList(flags: OutputFlags, keys: readonly string[], header = 'Keys'): void {
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, keys);
  else process.stdout.write([header, '-'.repeat(header.length), ...keys].join('\n') + '\n');
}

/** A `Success! …` line (or the response for json/yaml, `{}` when there is none). */
export function printSuccess(flags: OutputFlags, message: string, whole?: unknown): void {
  if (flags.format === 'json' || flags.format === 'yaml') {
    if (whole !== undefined) printStructured(flags.format, whole);
    return;
  }
  process.stdout.write(`${message}\n`);
}

/** Seconds as Go prints durations (`768h`, `1h30m`, `45s`); `0` as given by `zero`. */
export function formatDuration(seconds: unknown, zero = '0s'): string {
  const n = typeof seconds === 'number' ? seconds : Number(seconds);
  if (!Number.isFinite(n)) return String(seconds);
  if (n === 0) return zero;
  let rest = Math.round(n);
  const h = Math.floor(rest / 3600);
  rest -= h * 3600;
  const m = Math.floor(rest / 60);
  const s = rest - m * 60;
  return `${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`.replace(/^(\d+h)0m$/, '$1');
}
