/**
 * @module `hush lease lookup|renew|revoke` (`sys/leases/*`), with the vault CLI's flags. Hush's
 * leases are those of service tokens (`auth/approle/login/<id>`): `revoke -prefix auth/approle/`
 * logs out everyone that mount logged in. Revocation is done when the command returns (Vault
 * queues it unless `-sync`; `-sync` is accepted).
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { formatTable, printRaw, printStructured, printSuccess, pickField, withFormatFlag, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { dataOf, printWarnings } from './secret-display.js';
import type { ApiBody } from './secret-display.js';
import { lookupRows } from './token-command.js';

async function lookup(leaseId: string, flags: OutputFlags): Promise<void> {
  const res = await clientFromEnv().write<ApiBody>('sys/leases/lookup', { lease_id: leaseId });
  const data = dataOf(res.body);
  printWarnings(res.body, flags.format);
  if (flags.field) printRaw(pickField(flags.field, data));
  else if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, res.body);
  else process.stdout.write(`${formatTable(lookupRows(data))}\n`);
}

async function renew(leaseId: string, flags: OutputFlags & { increment?: string }): Promise<void> {
  const body: Record<string, unknown> = { lease_id: leaseId };
  if (flags.increment) body.increment = flags.increment;
  const res = await clientFromEnv().write<ApiBody>('sys/leases/renew', body);
  printSuccess(flags, `Success! Renewed lease: ${leaseId}`, res.body);
}

interface RevokeFlags extends OutputFlags {
  prefix?: boolean;
  force?: boolean;
  sync?: boolean;
}

async function revoke(id: string, flags: RevokeFlags): Promise<void> {
  const client = clientFromEnv();
  if (flags.force && !flags.prefix) throw new CliError('-force needs -prefix: hush lease revoke -force -prefix PREFIX', 1);
  if (flags.prefix) {
    await client.write(`sys/leases/${flags.force ? 'revoke-force' : 'revoke-prefix'}/${id}`, {});
    printSuccess(flags, `Success! ${flags.force ? 'Force revoked' : 'Revoked'} any leases with prefix: ${id}`, {});
  } else {
    await client.write('sys/leases/revoke', { lease_id: id });
    printSuccess(flags, `Success! Revoked lease: ${id}`, {});
  }
}

export function createLeaseCommand(): Command {
  const lease = new Command('lease').description('Look up, renew and revoke leases (the leases of tokens)');
  lease.addCommand(
    withOutputFlags(new Command('lookup'))
      .description("Show a lease's issue time, expiry and TTL")
      .argument('<lease-id>')
      .action((id: string, flags: OutputFlags) => lookup(id, flags)),
  );
  lease.addCommand(
    withFormatFlag(new Command('renew'))
      .description('Renew a lease (token leases renew with hush token renew)')
      .option('--increment <duration>', 'requested extension')
      .argument('<lease-id>')
      .action((id: string, flags: OutputFlags & { increment?: string }) => renew(id, flags)),
  );
  lease.addCommand(
    withFormatFlag(new Command('revoke'))
      .description('Revoke a lease, or every lease under a prefix (-prefix auth/approle/)')
      .option('--prefix', 'the argument is a prefix: revoke every lease under it')
      .option('-f, --force', 'with -prefix: the same, ignoring errors (tokens have none to ignore)')
      .option('--sync', 'accepted: revocation is always done before the command returns')
      .argument('<lease-id-or-prefix>')
      .action((id: string, flags: RevokeFlags) => revoke(id, flags)),
  );
  return lease;
}
