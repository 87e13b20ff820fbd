/**
 * @module `hush secrets enable|disable|list|tune`: managing secrets engines (`sys/mounts`).
 * `kv-v2` is accepted as a type, meaning `kv` with `-version=2`, as in vault.
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
  version?: string;
  defaultLeaseTtl?: string;
  maxLeaseTtl?: string;
  options?: Record<string, string>;
  local?: boolean;
  sealWrap?: boolean;
}

async function enable(type: string, flags: EnableFlags): Promise<void> {
  const client = clientFromEnv();
  const path = mountPath(flags.path ?? (type === 'kv-v2' || type === 'kv-v1' ? 'kv' : type));
  const options: Record<string, string> = { ...(flags.options ?? {}) };
  if (flags.version !== undefined) options.version = flags.version;
  const config: Record<string, string> = {};
  if (flags.defaultLeaseTtl) config.default_lease_ttl = flags.defaultLeaseTtl;
  if (flags.maxLeaseTtl) config.max_lease_ttl = flags.maxLeaseTtl;
  await client.write(`sys/mounts/${path}`, {
    type,
    description: flags.description ?? '',
    config,
    options,
    local: flags.local ?? false,
    seal_wrap: flags.sealWrap ?? false,
  });
  printSuccess(flags, `Success! Enabled the ${type} secrets engine at: ${path}`, {});
}

async function disable(path: string, flags: OutputFlags): Promise<void> {
  const client = clientFromEnv();
  await client.delete(`sys/mounts/${mountPath(path)}`);
  printSuccess(flags, `Success! Disabled the secrets engine (if it existed) at: ${mountPath(path)}`, {});
}

async function list(flags: OutputFlags & { detailed?: boolean }): Promise<void> {
  const res = await clientFromEnv().read('sys/mounts');
  printMounts(flags, res.body, 'secrets', flags.detailed ?? false);
}

async function tune(path: string, flags: EnableFlags): Promise<void> {
  const client = clientFromEnv();
  const body: Record<string, unknown> = {};
  if (flags.defaultLeaseTtl !== undefined) body.default_lease_ttl = flags.defaultLeaseTtl;
  if (flags.maxLeaseTtl !== undefined) body.max_lease_ttl = flags.maxLeaseTtl;
  if (flags.description !== undefined) body.description = flags.description;
  const options: Record<string, string> = { ...(flags.options ?? {}) };
  if (flags.version !== undefined) options.version = flags.version;
  if (Object.keys(options).length > 0) body.options = options;
  await client.write(`sys/mounts/${mountPath(path)}tune`, body);
  printSuccess(flags, `Success! Tuned the secrets engine at: ${mountPath(path)}`, {});
}

export function createSecretsCommand(): Command {
  const secrets = new Command('secrets').description('Enable, list, tune and disable secrets engines');
  secrets.addCommand(
    withFormatFlag(new Command('enable'))
      .description('Enable a secrets engine (kv, kv-v2, database, transit, …)')
      .option('--path <path>', 'where to mount it (default: the type)')
      .option('--description <text>', 'a human-readable description')
      .option('--version <n>', 'engine version (kv: 1 or 2)')
      .option('--default-lease-ttl <duration>', 'default lease TTL')
      .option('--max-lease-ttl <duration>', 'maximum lease TTL')
      .option('--options <k=v>', 'engine option (repeatable)', collectPairs)
      .option('--local', 'do not replicate (accepted for compatibility)')
      .option('--seal-wrap', 'seal-wrap the engine\'s data (accepted for compatibility)')
      .argument('<type>')
      .action((type: string, flags: EnableFlags) => enable(type, flags)),
  );
  secrets.addCommand(
    withFormatFlag(new Command('disable'))
      .description('Disable a secrets engine and delete its data')
      .argument('<path>')
      .action((path: string, flags: OutputFlags) => disable(path, flags)),
  );
  secrets.addCommand(
    withFormatFlag(new Command('list'))
      .description('List the enabled secrets engines')
      .option('--detailed', 'more columns: TTLs, options, UUID')
      .action((flags: OutputFlags & { detailed?: boolean }) => list(flags)),
  );
  secrets.addCommand(
    withFormatFlag(new Command('tune'))
      .description('Change a secrets engine\'s TTLs, description or options')
      .option('--default-lease-ttl <duration>', 'default lease TTL')
      .option('--max-lease-ttl <duration>', 'maximum lease TTL')
      .option('--description <text>', 'a human-readable description')
      .option('--version <n>', 'upgrade kv to version 2')
      .option('--options <k=v>', 'engine option (repeatable)', collectPairs)
      .argument('<path>')
      .action((path: string, flags: EnableFlags) => tune(path, flags)),
  );
  return secrets;
}
