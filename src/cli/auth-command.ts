/**
 * @module `hush auth enable|list|disable`: managing auth methods (`sys/auth`).
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
}

async function enable(type: string, flags: EnableFlags): Promise<void> {
  const client = clientFromEnv();
  const path = mountPath(flags.path ?? type);
  const config: Record<string, string> = {};
  if (flags.defaultLeaseTtl) config.default_lease_ttl = flags.defaultLeaseTtl;
  if (flags.maxLeaseTtl) config.max_lease_ttl = flags.maxLeaseTtl;
  await client.write(`sys/auth/${path}`, {
    type,
    description: flags.description ?? '',
    config,
    options: flags.options ?? {},
    local: flags.local ?? false,
  });
  printSuccess(flags, `Success! Enabled ${type} auth method at: ${path}`, {});
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
  const auth = new Command('auth').description('Enable, list and disable auth methods');
  auth.addCommand(
    withFormatFlag(new Command('enable'))
      .description('Enable an auth method (userpass, approle, …)')
      .option('--path <path>', 'where to mount it (default: the type)')
      .option('--description <text>', 'a human-readable description')
      .option('--default-lease-ttl <duration>', 'default token TTL')
      .option('--max-lease-ttl <duration>', 'maximum token TTL')
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
  return auth;
}
