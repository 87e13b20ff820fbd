/**
 * @module `hush status`: the seal status as a table. Exit codes as vault's: 0 unsealed,
 * 2 sealed, 1 when the status cannot be read.
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError, describeFailure } from './cli-errors.js';
import { formatTable, printRaw, printStructured, pickField, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { isRecord } from './secret-display.js';

/** The rows vault prints for `status` and after each `operator unseal`; `leader` is the
 * `sys/leader` body when it could be read (unsealed servers), for the HA rows. */
export function sealStatusRows(s: Readonly<Record<string, unknown>>, leader?: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rows: Record<string, unknown> = {
    'Seal Type': s.type ?? 'shamir',
    Initialized: s.initialized,
    Sealed: s.sealed,
    'Total Shares': s.n,
    Threshold: s.t,
  };
  if (s.sealed === true) {
    rows['Unseal Progress'] = `${String(s.progress ?? 0)}/${String(s.t ?? 0)}`;
    rows['Unseal Nonce'] = s.nonce ? s.nonce : 'n/a';
  }
  rows.Version = s.version;
  rows['Build Date'] = s.build_date;
  rows['Storage Type'] = s.storage_type;
  if (s.sealed !== true) {
    rows['Cluster Name'] = s.cluster_name;
    rows['Cluster ID'] = s.cluster_id;
  }
  rows['HA Enabled'] = leader?.ha_enabled === true;
  if (leader?.ha_enabled === true) {
    rows['HA Mode'] = leader.is_self === true ? 'active' : 'standby';
    rows['Active Node Address'] = leader.leader_address || '<none>';
  }
  return rows;
}

/** Prints a seal-status body and sets exit code 2 when sealed. */
export function printSealStatus(flags: OutputFlags, body: unknown, leader?: Readonly<Record<string, unknown>>): void {
  const s = isRecord(body) ? body : {};
  const rows = sealStatusRows(s, leader);
  if (flags.field) printRaw(pickField(flags.field, s, rows));
  else if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, body);
  else process.stdout.write(`${formatTable(rows)}\n`);
  if (s.sealed === true) process.exitCode = 2;
}

async function status(flags: OutputFlags): Promise<void> {
  let body: unknown;
  try {
    body = (await clientFromEnv().read('sys/seal-status')).body;
  } catch (err) {
    // vault status: 1 for "cannot tell", 2 is reserved for "sealed".
    throw new CliError(`checking seal status: ${describeFailure(err).line.replace(/^Error: /, '')}`, 1);
  }
  // HA rows as vault shows them: sys/leader answers only once unsealed
  const leader = isRecord(body) && body.sealed === false ? await clientFromEnv().read('sys/leader').then((r) => r.body, () => undefined) : undefined;
  printSealStatus(flags, body, isRecord(leader) ? leader : undefined);
}

export function createStatusCommand(): Command {
  return withOutputFlags(new Command('status'))
    .description('Show the seal status (exit 0 unsealed, 2 sealed, 1 on error)')
    .action((flags: OutputFlags) => status(flags));
}
