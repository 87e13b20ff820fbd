/**
 * @module `hush login [TOKEN|-]`: checks a token with `lookup-self` and stores it in the token
 * file (mode 0600) that every other command reads. Only the token method exists for now.
 */
import { Command } from 'commander';
import { clientFromEnv, tokenFilePath } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { promptSecret, readStdin } from './cli-input.js';
import { formatDuration, formatTable, printRaw, printStructured, pickField, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { dataOf } from './secret-display.js';
import { writeSecretFile } from '../lib/secret-file.js';

interface LoginFlags extends OutputFlags {
  method?: string;
  store?: boolean;
  path?: string;
}

function tokenRows(token: string, data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const policies = Array.isArray(data.policies) ? data.policies : [];
  return {
    token,
    token_accessor: data.accessor ?? '',
    token_duration: formatDuration(data.ttl ?? 0, '∞'),
    token_renewable: data.renewable ?? false,
    token_policies: policies,
    identity_policies: Array.isArray(data.identity_policies) ? data.identity_policies : [],
    policies,
  };
}

async function login(arg: string | undefined, flags: LoginFlags): Promise<void> {
  const method = flags.method ?? 'token';
  if (method !== 'token') throw new CliError(`login method "${method}" is not supported yet: use -method=token`, 1);
  let token = arg;
  if (token === '-') token = (await readStdin()).trim();
  if (!token) token = await promptSecret('Token (will be hidden): ');
  if (!token) throw new CliError('no token given', 1);

  const client = clientFromEnv().withToken(token);
  const res = await client.read('auth/token/lookup-self');
  const data = dataOf(res.body);
  const stored = flags.store !== false;
  if (stored) writeSecretFile(tokenFilePath(), `${token}\n`);

  const rows = tokenRows(token, data);
  if (flags.field) {
    printRaw(pickField(flags.field, rows));
    return;
  }
  if (flags.format === 'json' || flags.format === 'yaml') {
    printStructured(flags.format, { ...(res.body as object), auth: { client_token: token, accessor: data.accessor, policies: data.policies } });
    return;
  }
  if (process.env.HUSH_TOKEN || process.env.VAULT_TOKEN) {
    process.stderr.write(
      `WARNING! The ${process.env.HUSH_TOKEN ? 'HUSH_TOKEN' : 'VAULT_TOKEN'} environment variable is set and takes precedence over the stored token.\n\n`,
    );
  }
  const intro = stored
    ? 'Success! You are now authenticated. The token information displayed below is already stored\n' +
      `in ${tokenFilePath()}. You do NOT need to run "hush login" again. Future requests will use this token.`
    : 'Success! The token is valid. It was not stored (-no-store): pass it with HUSH_TOKEN.';
  process.stdout.write(`${intro}\n\n${formatTable(rows)}\n`);
}

export function createLoginCommand(): Command {
  return withOutputFlags(new Command('login'))
    .description('Check a token and store it for later commands (~/.hush-token, mode 0600)')
    .option('--method <method>', 'auth method (only "token" for now)', 'token')
    .option('--no-store', 'check the token but do not store it')
    .option('--path <path>', 'auth method mount path (unused with the token method)')
    .argument('[token]', 'the token, or - to read it from stdin; prompted for when absent')
    .action((token: string | undefined, flags: LoginFlags) => login(token, flags));
}
