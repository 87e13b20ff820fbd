/**
 * @module `hush read|write|list|delete PATH`: the vault CLI's generic commands, for any route
 * (engines, `sys/`, `auth/`). `write` takes `K=V` pairs or `-` for a JSON object on stdin. With
 * `-wrap-ttl=DURATION` the server answers with a single-use wrapping token instead (how a deploy
 * tool hands a new machine its AppRole secret ID), which `hush unwrap TOKEN` opens.
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { parseKeyValues } from './cli-input.js';
import { formatTable, printList, printRaw, printStructured, printSuccess, pickField, withFormatFlag, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { isRecord, printWarnings, secretRows } from './secret-display.js';
import type { ApiBody } from './secret-display.js';
import { withWrapTtlFlag, wrapInfoOf, wrapRows, wrappingClient } from './wrapping.js';
import type { WrapFlags } from './wrapping.js';

function clean(path: string): string {
  return path.replace(/^\/+/, '');
}

/** Prints a response like `vault read`: rows of lease + data (or of the wrapping token), or the
 * body for json/yaml. */
export function printSecret(flags: OutputFlags, body: unknown): void {
  printWarnings(body, flags.format);
  const wrapped = wrapInfoOf(body);
  const rows = wrapped ? wrapRows(wrapped) : secretRows(body);
  if (flags.field) {
    const data = isRecord(body) && isRecord(body.data) ? body.data : undefined;
    printRaw(pickField(flags.field, data, rows, isRecord(body) ? body : undefined));
    return;
  }
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, body);
  else process.stdout.write(`${formatTable(rows)}\n`);
}

async function read(path: string, args: readonly string[], flags: OutputFlags & WrapFlags): Promise<void> {
  const client = wrappingClient(flags);
  const query = Object.fromEntries(Object.entries(await parseKeyValues(args)).map(([k, v]) => [k, String(v)]));
  const p = clean(path);
  const res = await client.request<ApiBody>('GET', p, undefined, query, {}, [404]);
  if (res.status === 404) throw new CliError(`No value found at ${p}`, 2);
  printSecret(flags, res.body);
}

async function write(path: string, args: readonly string[], flags: OutputFlags & WrapFlags & { force?: boolean }): Promise<void> {
  if (args.length === 0 && !flags.force) throw new CliError('Must supply data or use -force', 1);
  const client = wrappingClient(flags);
  const p = clean(path);
  const res = await client.write<ApiBody>(p, await parseKeyValues(args));
  const body = res.body;
  const hasContent = isRecord(body) && (isRecord(body.data) || isRecord(body.auth) || wrapInfoOf(body) !== undefined);
  if (!hasContent && !flags.field) {
    printWarnings(body, flags.format);
    printSuccess(flags, `Success! Data written to: ${p}`, body ?? {});
    return;
  }
  printSecret(flags, body);
}

async function list(path: string, flags: OutputFlags & WrapFlags): Promise<void> {
  const client = wrappingClient(flags);
  const p = clean(path);
  const res = await client.request<ApiBody>('GET', p, undefined, { list: 'true' }, {}, [404]);
  if (wrapInfoOf(res.body)) {
    printSecret(flags, res.body);
    return;
  }
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
  return withWrapTtlFlag(withOutputFlags(new Command('read')))
    .description('Read data at any path (K=V pairs become query parameters)')
    .argument('<path>')
    .argument('[params...]')
    .action((path: string, params: string[], flags: OutputFlags & WrapFlags) => read(path, params, flags));
}

export function createWriteCommand(): Command {
  return withWrapTtlFlag(withOutputFlags(new Command('write')))
    .description('Write data at any path: K=V, K=@file, K=-, or - for a JSON object on stdin')
    .option('-f, --force', 'write even without data')
    .argument('<path>')
    .argument('[data...]')
    .action((path: string, data: string[], flags: OutputFlags & WrapFlags & { force?: boolean }) => write(path, data, flags));
}

export function createListCommand(): Command {
  return withWrapTtlFlag(withFormatFlag(new Command('list')))
    .description('List the keys at any path')
    .argument('<path>')
    .action((path: string, flags: OutputFlags & WrapFlags) => list(path, flags));
}

/** `hush unwrap [TOKEN]`: what a wrapping token holds (once). Without TOKEN, the token in use
 * is the wrapping token. The wrapping token is sent as the caller's token, so that a new
 * machine with nothing else can unwrap what it was handed. */
async function unwrap(token: string | undefined, flags: OutputFlags): Promise<void> {
  const client = token ? clientFromEnv().withToken(token.trim()) : clientFromEnv();
  if (!client.token) throw new CliError('no wrapping token: pass it as the argument (hush unwrap TOKEN)', 1);
  const res = await client.write<ApiBody>('sys/wrapping/unwrap', {});
  printSecret(flags, res.body);
}

export function createUnwrapCommand(): Command {
  return withOutputFlags(new Command('unwrap'))
    .description('Open a wrapping token (once) and print what it holds')
    .argument('[token]', 'the wrapping token (default: the token in use)')
    .action((token: string | undefined, flags: OutputFlags) => unwrap(token, flags));
}

export function createDeleteCommand(): Command {
  return withFormatFlag(new Command('delete'))
    .description('Delete data at any path')
    .argument('<path>')
    .argument('[params...]')
    .action((path: string, params: string[], flags: OutputFlags) => remove(path, params, flags));
}
