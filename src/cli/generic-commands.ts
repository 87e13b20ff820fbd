/**
 * @module `hush read|write|list|delete PATH`: the vault CLI's generic commands, for any route
 * (engines, `sys/`, `auth/`). `write` takes `K=V` pairs or `-` for a JSON object on stdin.
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { parseKeyValues } from './cli-input.js';
import { formatTable, printList, printRaw, printStructured, printSuccess, pickField, withFormatFlag, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { isRecord, printWarnings, secretRows } from './secret-display.js';
import type { ApiBody } from './secret-display.js';

function clean(path: string): string {
  return path.replace(/^\/+/, '');
}

/** Prints a response like `vault read`: rows of lease + data, or the body for json/yaml. */
export function printSecret(flags: OutputFlags, body: unknown): void {
  printWarnings(body, flags.format);
  const rows = secretRows(body);
  if (flags.field) {
    const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
    printRaw(pickField(flags.field, data, rows, isRecord(body) ? body : undefined));
    return;
  }
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, body);
  else process.stdout.write(`${formatTable(rows)}\n`);
}

async function read(path: string, args: readonly string[], flags: OutputFlags): Promise<void> {
  const client = clientFromEnv();
  const query = Object.fromEntries(Object.entries(await parseKeyValues(args)).map(([k, v]) => [k, String(v)]));
  const p = clean(path);
  const res = await client.request<ApiBody>('GET', p, undefined, query, {}, [404]);
  if (res.status === 404) throw new CliError(`No value found at ${p}`, 2);
  printSecret(flags, res.body);
}

async function write(path: string, args: readonly string[], flags: OutputFlags & { force?: boolean }): Promise<void> {
  if (args.length === 0 && !flags.force) throw new CliError('Must supply data or use -force', 1);
  const client = clientFromEnv();
  const p = clean(path);
  const res = await client.write<ApiBody>(p, await parseKeyValues(args));
  const body = res.body;
  const hasContent = isRecord(body) && (isRecord(body.data) || isRecord(body.auth));
  if (!hasContent && !flags.field) {
    printWarnings(body, flags.format);
    printSuccess(flags, `Success! Data written to: ${p}`, body ?? {});
    return;
  }
  printSecret(flags, body);
}

async function list(path: string, flags: OutputFlags): Promise<void> {
  const client = clientFromEnv();
  const p = clean(path);
  const res = await client.request<ApiBody>('GET', p, undefined, { list: 'true' }, {}, [404]);
  const keys = isRecord(res.body?.data) && Array.isArray(res.body.data.keys) ? res.body.data.keys.map(String) : undefined;
  if (res.status === 404 || !keys) throw new CliError(`No value found at ${p}`, 2);
  printWarnings(res.body, flags.format);
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, keys);
  else printList(flags, keys);
}

async function remove(path: string, args: readonly string[], flags: OutputFlags): Promise<void> {
  const client = clientFromEnv();
  const p = clean(path);
  const query = Object.fromEntries(Object.entries(await parseKeyValues(args)).map(([k, v]) => [k, String(v)]));
  const res = await client.delete<ApiBody>(p, query);
  printWarnings(res.body, flags.format);
  printSuccess(flags, `Success! Data deleted (if it existed) at: ${p}`, res.body ?? {});
}

export function createReadCommand(): Command {
  return withOutputFlags(new Command('read'))
    .description('Read data at any path (K=V pairs become query parameters)')
    .argument('<path>')
    .argument('[params...]')
    .action((path: string, params: string[], flags: OutputFlags) => read(path, params, flags));
}

export function createWriteCommand(): Command {
  return withOutputFlags(new Command('write'))
    .description('Write data at any path: K=V, K=@file, K=-, or - for a JSON object on stdin')
    .option('-f, --force', 'write even without data')
    .argument('<path>')
    .argument('[data...]')
    .action((path: string, data: string[], flags: OutputFlags & { force?: boolean }) => write(path, data, flags));
}

export function createListCommand(): Command {
  return withFormatFlag(new Command('list'))
    .description('List the keys at any path')
    .argument('<path>')
    .action((path: string, flags: OutputFlags) => list(path, flags));
}

export function createDeleteCommand(): Command {
  return withFormatFlag(new Command('delete'))
    .description('Delete data at any path')
    .argument('<path>')
    .argument('[params...]')
    .action((path: string, params: string[], flags: OutputFlags) => remove(path, params, flags));
}
