/**
 * @module `hush auth enable|list|tune|disable`: managing auth methods (`sys/auth`).
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { collectPairs } from './cli-input.js';
import { mountPath, printMounts } from './mount-display.js';
import { printSuccess, withFormatFlag } from './output.js';
import type { OutputFlags } from './output.js';

interface EnableFlags extends OutputFlags {
  path?: string;
  description?: string;
  defaultLeaseTtl?: string;
  maxLeaseTtl?: string;
  options?: Record<string, string>;
  local?: boolean;
  tokenType?: string;
}

/** The flags both `enable` (in `config`) and `tune` (at the top level) send, as Vault names them. */
function tuningFields(flags: EnableFlags): Record<string, string> {
  const fields: Record<string, string> = {};
  if (flags.defaultLeaseTtl !== undefined) fields.default_lease_ttl = flags.defaultLeaseTtl;
  if (flags.maxLeaseTtl !== undefined) fields.max_lease_ttl = flags.maxLeaseTtl;
  if (flags.tokenType !== undefined) fields.token_type = flags.tokenType;
  return fields;
}

async function enable(type: string, flags: EnableFlags): Promise<void> {
  const client = clientFromEnv();
  const path = mountPath(flags.path ?? type);
  await client.write(`sys/auth/${path}`, {
    type,
    description: flags.description ?? '',
    config: tuningFields(flags),
    options: flags.options ?? {},
    local: flags.local ?? false,
  });
  printSuccess(flags, `Success! Enabled ${type} auth method at: ${path}`, {});
}

async function tune(path: string, flags: EnableFlags): Promise<void> {
  const body: Record<string, string> = tuningFields(flags);
  if (flags.description !== undefined) body.description = flags.description;
  await clientFromEnv().write(`sys/auth/${mountPath(path)}tune`, body);
  printSuccess(flags, `Success! Tuned the auth method at: ${mountPath(path)}`, {});
}

async function disable(path: string, flags: OutputFlags): Promise<void> {
  await clientFromEnv().delete(`sys/auth/${mountPath(path)}`);
  printSuccess(flags, `Success! Disabled the auth method (if it existed) at: ${mountPath(path)}`, {});
}

async function list(flags: OutputFlags & { detailed?: boolean }): Promise<void> {
  const res = await clientFromEnv().read('sys/auth');
  printMounts(flags, res.body, 'auth', flags.detailed ?? false);
}

export function createAuthCommand(): Command {
  const auth = new Command('auth').description('Enable, list, tune and disable auth methods');
  const tokenTypeHelp = 'kind of token logins issue: default-service, default-batch, service or batch';
  auth.addCommand(
    withFormatFlag(new Command('enable'))
      .description('Enable an auth method (userpass, approle, …)')
      .option('--path <path>', 'where to mount it (default: the type)')
      .option('--description <text>', 'a human-readable description')
      .option('--default-lease-ttl <duration>', 'default token TTL')
      .option('--max-lease-ttl <duration>', 'maximum token TTL')
      .option('--token-type <type>', tokenTypeHelp)
      .option('--options <k=v>', 'method option (repeatable)', collectPairs)
      .option('--local', 'do not replicate (accepted for compatibility)')
      .argument('<type>')
      .action((type: string, flags: EnableFlags) => enable(type, flags)),
  );
  auth.addCommand(
    withFormatFlag(new Command('disable'))
      .description('Disable an auth method and revoke the tokens it issued')
      .argument('<path>')
      .action((path: string, flags: OutputFlags) => disable(path, flags)),
  );
  auth.addCommand(
    withFormatFlag(new Command('list'))
      .description('List the enabled auth methods')
      .option('--detailed', 'more columns: TTLs, options, UUID')
      .action((flags: OutputFlags & { detailed?: boolean }) => list(flags)),
  );
  auth.addCommand(
    withFormatFlag(new Command('tune'))
      .description("Change an auth method's token TTLs, token type or description")
      .option('--default-lease-ttl <duration>', 'default token TTL')
      .option('--max-lease-ttl <duration>', 'maximum token TTL')
      .option('--token-type <type>', tokenTypeHelp)
      .option('--description <text>', 'a human-readable description')
      .argument('<path>')
      .action((path: string, flags: EnableFlags) => tune(path, flags)),
  );
  return auth;
}
