/**
 * @module `hush token create|lookup|revoke|renew` (`auth/token/*`), with the vault CLI's flags
 * and tables. Without a TOKEN argument, lookup and renew act on the caller's own token.
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { collect, collectPairs, parseIntFlag } from './cli-input.js';
import { formatDuration, formatTable, printRaw, printStructured, printSuccess, pickField, withFormatFlag, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { authRows, dataOf, isRecord, printWarnings, sortedRows } from './secret-display.js';
import type { ApiBody } from './secret-display.js';
import { printSecret } from './generic-commands.js';
import { withWrapTtlFlag, wrapInfoOf, wrappingClient } from './wrapping.js';
import type { WrapFlags } from './wrapping.js';

/** Prints a response carrying an `auth` block (create, renew, login). */
export function printAuth(flags: OutputFlags, body: ApiBody | undefined): void {
  if (!isRecord(body?.auth)) throw new CliError('the server returned no token', 2);
  printWarnings(body, flags.format);
  const rows = authRows(body.auth);
  if (flags.field) printRaw(pickField(flags.field, rows));
  else if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, body);
  else process.stdout.write(`${formatTable(rows)}\n`);
}

/** Rows of a token lookup, TTLs as durations like vault. */
export function lookupRows(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rows = sortedRows(data);
  for (const k of ['ttl', 'creation_ttl', 'explicit_max_ttl', 'period']) {
    if (typeof rows[k] === 'number') rows[k] = formatDuration(rows[k]);
  }
  return rows;
}

interface CreateFlags extends OutputFlags, WrapFlags {
  policy?: string[];
  ttl?: string;
  explicitMaxTtl?: string;
  period?: string;
  useLimit?: string;
  orphan?: boolean;
  displayName?: string;
  metadata?: Record<string, string>;
  defaultPolicy?: boolean;
  renewable?: string;
  id?: string;
  role?: string;
  type?: string;
}

async function create(flags: CreateFlags): Promise<void> {
  const body: Record<string, unknown> = {};
  if (flags.policy?.length) body.policies = flags.policy;
  if (flags.ttl) body.ttl = flags.ttl;
  if (flags.explicitMaxTtl) body.explicit_max_ttl = flags.explicitMaxTtl;
  if (flags.period) body.period = flags.period;
  const uses = parseIntFlag(flags.useLimit, '-use-limit');
  if (uses !== undefined) body.num_uses = uses;
  if (flags.displayName) body.display_name = flags.displayName;
  if (flags.metadata) body.meta = flags.metadata;
  if (flags.defaultPolicy === false) body.no_default_policy = true;
  if (flags.renewable !== undefined) body.renewable = flags.renewable !== 'false';
  if (flags.id) body.id = flags.id;
  if (flags.type) body.type = flags.type;
  const path = flags.role ? `auth/token/create/${encodeURIComponent(flags.role)}` : flags.orphan ? 'auth/token/create-orphan' : 'auth/token/create';
  const res = await wrappingClient(flags).write<ApiBody>(path, body);
  if (wrapInfoOf(res.body)) printSecret(flags, res.body);
  else printAuth(flags, res.body);
}

async function lookup(token: string | undefined, flags: OutputFlags & { accessor?: boolean }): Promise<void> {
  const client = clientFromEnv();
  let res;
  if (flags.accessor) {
    if (!token) throw new CliError('-accessor needs the accessor as argument', 1);
    res = await client.write<ApiBody>('auth/token/lookup-accessor', { accessor: token });
  } else if (token) {
    res = await client.write<ApiBody>('auth/token/lookup', { token });
  } else {
    res = await client.read<ApiBody>('auth/token/lookup-self');
  }
  const data = dataOf(res.body);
  printWarnings(res.body, flags.format);
  if (flags.field) printRaw(pickField(flags.field, data));
  else if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, res.body);
  else process.stdout.write(`${formatTable(lookupRows(data))}\n`);
}

async function revoke(token: string | undefined, flags: OutputFlags & { self?: boolean; accessor?: boolean; mode?: string }): Promise<void> {
  const client = clientFromEnv();
  if (flags.self) {
    if (token) throw new CliError('-self takes no token argument', 1);
    await client.write('auth/token/revoke-self', {});
  } else {
    if (!token) throw new CliError('give a TOKEN (or an accessor with -accessor), or use -self', 1);
    const mode = flags.mode ?? '';
    if (mode !== '' && mode !== 'orphan' && mode !== 'path') throw new CliError(`invalid -mode "${mode}": use orphan or path`, 1);
    if (flags.accessor) {
      if (mode !== '') throw new CliError(`-mode=${mode} cannot be combined with -accessor`, 1);
      await client.write('auth/token/revoke-accessor', { accessor: token });
    } else if (mode === 'path') await client.write(`sys/leases/revoke-prefix/${token}`, {});
    else if (mode === 'orphan') await client.write('auth/token/revoke-orphan', { token });
    else await client.write('auth/token/revoke', { token });
  }
  printSuccess(flags, 'Success! Revoked token (if it existed)', {});
}

async function renew(token: string | undefined, flags: OutputFlags & { increment?: string }): Promise<void> {
  const client = clientFromEnv();
  const body: Record<string, unknown> = {};
  if (flags.increment) body.increment = flags.increment;
  const res = token
    ? await client.write<ApiBody>('auth/token/renew', { ...body, token })
    : await client.write<ApiBody>('auth/token/renew-self', body);
  printAuth(flags, res.body);
}

export function createTokenCommand(): Command {
  const token = new Command('token').description('Create, look up, renew and revoke tokens');
  token.addCommand(
    withWrapTtlFlag(withOutputFlags(new Command('create')))
      .description('Create a token (a child of the caller\'s token unless -orphan)')
      .option('--policy <name>', 'a policy for the token (repeatable)', collect)
      .option('--ttl <duration>', 'initial TTL (e.g. 1h)')
      .option('--explicit-max-ttl <duration>', 'a hard limit the token can never be renewed past')
      .option('--period <duration>', 'make a periodic token, renewable forever by this period')
      .option('--use-limit <n>', 'number of uses before the token is revoked')
      .option('--orphan', 'create the token without a parent')
      .option('--display-name <name>', 'a display name')
      .option('--metadata <k=v>', 'metadata kept with the token (repeatable)', collectPairs)
      .option('--no-default-policy', 'do not attach the default policy')
      .option('--renewable <bool>', 'whether the token can be renewed (default true)')
      .option('--id <id>', 'the token value itself (root only)')
      .option('--role <name>', 'create against a token role')
      .option('--type <type>', 'service or batch')
      .action((flags: CreateFlags) => create(flags)),
  );
  token.addCommand(
    withOutputFlags(new Command('lookup'))
      .description('Show a token\'s properties (the caller\'s own without TOKEN)')
      .option('--accessor', 'the argument is an accessor')
      .argument('[token]')
      .action((t: string | undefined, flags: OutputFlags & { accessor?: boolean }) => lookup(t, flags)),
  );
  token.addCommand(
    withFormatFlag(new Command('revoke'))
      .description('Revoke a token and its children (-mode=orphan keeps the children; -mode=path revokes every token created under a path, e.g. auth/approle/)')
      .option('--self', 'revoke the token in use')
      .option('--accessor', 'the argument is an accessor')
      .option('--mode <mode>', 'orphan: revoke only this token; path: the argument is a creation path prefix')
      .argument('[token]')
      .action((t: string | undefined, flags: OutputFlags & { self?: boolean; accessor?: boolean; mode?: string }) => revoke(t, flags)),
  );
  token.addCommand(
    withOutputFlags(new Command('renew'))
      .description('Extend a token\'s TTL (the caller\'s own without TOKEN)')
      .option('--increment <duration>', 'requested extension')
      .argument('[token]')
      .action((t: string | undefined, flags: OutputFlags & { increment?: string }) => renew(t, flags)),
  );
  return token;
}
