/**
 * @module `hush operator rekey`: new unseal key shares (another number, another threshold) from
 * a quorum of the current holders, in the vault CLI's forms: `-init -key-shares=N
 * -key-threshold=T` starts, each holder runs it with a current share (prompted without echo when
 * not given), the last one gets the new shares; `-status` and `-cancel` as in vault. With
 * `-pgp-keys` the new shares come encrypted to their holders' keys, and with `-backup` the server
 * keeps them too (`-backup-retrieve`, `-backup-delete`). With `-init -verify` the new shares take
 * effect once a quorum of their holders has run `-verify` with theirs.
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { parseIntFlag, readPgpKeyFiles, readUnsealKey } from './cli-input.js';
import { attemptNonce } from './generate-root-command.js';
import { formatTable, printRaw, printStructured, printSuccess, pickField, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { dataOf, isRecord } from './secret-display.js';

interface RekeyFlags extends OutputFlags {
  init?: boolean;
  status?: boolean;
  cancel?: boolean;
  keyShares?: string;
  keyThreshold?: string;
  nonce?: string;
  pgpKeys?: string;
  backup?: boolean;
  backupRetrieve?: boolean;
  backupDelete?: boolean;
  verify?: boolean;
}

function statusRows(s: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return {
    Nonce: s.nonce,
    Started: s.started,
    'Rekey Progress': `${String(s.progress)}/${String(s.required)}`,
    'New Shares': s.n,
    'New Threshold': s.t,
    ...(Array.isArray(s.pgp_fingerprints) ? { 'PGP Fingerprints': s.pgp_fingerprints.join(', '), Backup: s.backup } : {}),
  };
}

function print(flags: OutputFlags, body: unknown): void {
  const s = isRecord(body) ? body : {};
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, body);
  else if (flags.field) printRaw(pickField(flags.field, s, statusRows(s)));
  else process.stdout.write(`${formatTable(statusRows(s))}\n`);
}

/** The new shares, as vault prints them; `threshold` is the new one. */
function printNewShares(flags: OutputFlags, body: Readonly<Record<string, unknown>>, threshold: unknown): void {
  if (flags.format === 'json' || flags.format === 'yaml') return printStructured(flags.format, body);
  const keys = Array.isArray(body.keys_base64) ? body.keys_base64.map(String) : [];
  const lines = keys.map((k, i) => `Key ${i + 1}: ${k}`);
  lines.push('', `Operation nonce: ${String(body.nonce)}`, '');
  if (body.verification_required === true) {
    lines.push(
      `Hush made ${keys.length} new key shares with a key threshold of ${String(threshold)}. Please securely distribute`,
      `them: they take effect once ${String(threshold)} of their holders have given theirs back with`,
      '`hush operator rekey -verify` (until then the old key shares still unseal the server).',
    );
  } else {
    lines.push(
      `Hush rekeyed with ${keys.length} key shares and a key threshold of ${String(threshold)}. Please securely`,
      'distribute the key shares printed above: the old ones no longer unseal the server. (A dev server',
      'unseals itself on start with the share in its data directory: after a rekey, unseal it by hand.)',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function printVerification(flags: OutputFlags, body: unknown): void {
  const s = isRecord(body) ? body : {};
  const rows = {
    Nonce: s.nonce,
    Started: s.started,
    'Verification Progress': `${String(s.progress)}/${String(s.t)}`,
    'New Shares': s.n,
    'New Threshold': s.t,
  };
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, body);
  else if (flags.field) printRaw(pickField(flags.field, s, rows));
  else process.stdout.write(`${formatTable(rows)}\n`);
}

/** `-verify`: give a new share back (or, with -status or -cancel, the verification's status or
 * a fresh start of it). */
async function verify(key: string | undefined, flags: RekeyFlags): Promise<void> {
  const client = clientFromEnv();
  if (flags.status) return printVerification(flags, (await client.read('sys/rekey/verify')).body);
  if (flags.cancel) return printVerification(flags, (await client.delete('sys/rekey/verify')).body);
  const nonce = flags.nonce || (await attemptNonce('sys/rekey/verify', 'rekey verification'));
  const body = (await client.write('sys/rekey/verify', { key: await readUnsealKey(key), nonce })).body;
  if (isRecord(body) && body.complete === true) {
    return printSuccess(flags, 'Success! Rekey verified: the new key shares are in force, the old ones no longer unseal the server', body);
  }
  printVerification(flags, body);
}

async function rekey(key: string | undefined, flags: RekeyFlags): Promise<void> {
  const forms = [flags.init, flags.status, flags.cancel, flags.backupRetrieve, flags.backupDelete].filter(Boolean).length;
  if (forms > 1) throw new CliError('use only one of -init, -status, -cancel, -backup-retrieve and -backup-delete', 1);
  if (forms === 1 && key !== undefined) throw new CliError('a key is given only to submit a share, not with -init, -status, -cancel or -backup-*', 1);
  const client = clientFromEnv();
  if (flags.init) {
    const shares = parseIntFlag(flags.keyShares, '-key-shares') ?? 5;
    const threshold = parseIntFlag(flags.keyThreshold, '-key-threshold') ?? 3;
    const pgpKeys = readPgpKeyFiles(flags.pgpKeys, '-pgp-keys');
    if (flags.backup && !pgpKeys) throw new CliError('-backup keeps the PGP-encrypted shares: give -pgp-keys too', 1);
    const body = {
      secret_shares: shares,
      secret_threshold: threshold,
      ...(pgpKeys ? { pgp_keys: pgpKeys, backup: flags.backup === true } : {}),
      ...(flags.verify ? { require_verification: true } : {}),
    };
    return print(flags, (await client.write('sys/rekey/init', body)).body);
  }
  if (flags.verify) return verify(key, flags);
  if (flags.backupRetrieve) return printStructured(flags.format === 'yaml' ? 'yaml' : 'json', dataOf((await client.read('sys/rekey/backup')).body));
  if (flags.backupDelete) {
    await client.delete('sys/rekey/backup');
    return printSuccess(flags, 'Success! Deleted the backed-up unseal keys (if there were any)', {});
  }
  if (flags.status) return print(flags, (await client.read('sys/rekey/init')).body);
  if (flags.cancel) {
    await client.delete('sys/rekey/init');
    return printSuccess(flags, 'Success! Canceled rekeying (if it was started)', {});
  }
  const nonce = flags.nonce || (await attemptNonce('sys/rekey/init', 'rekey'));
  const body = (await client.write('sys/rekey/update', { key: await readUnsealKey(key), nonce })).body;
  if (!isRecord(body) || body.complete !== true) return print(flags, body);
  const status = (await client.read(body.verification_required === true ? 'sys/rekey/verify' : 'sys/seal-status')).body;
  printNewShares(flags, body, isRecord(status) ? status.t : '?');
}

export function createRekeyCommand(): Command {
  return withOutputFlags(new Command('rekey'))
    .description('Replace the unseal key shares with a quorum of the current holders (-init, then each holder with a key)')
    .option('--init', 'start a rekey (with -key-shares and -key-threshold)')
    .option('--status', 'show the rekey in progress')
    .option('--cancel', 'cancel the rekey in progress')
    .option('--key-shares <n>', 'number of new key shares', '5')
    .option('--key-threshold <n>', 'new shares needed to unseal', '3')
    .option('--nonce <nonce>', "the attempt's nonce (read from the server when omitted)")
    .option('--pgp-keys <files>', 'with -init: comma-separated public key files, each new share is encrypted to one, in order')
    .option('--backup', 'with -init and -pgp-keys: also keep the encrypted new shares on the server (-backup-retrieve)')
    .option('--backup-retrieve', 'print the encrypted shares the last rekey with -backup kept (needs a token with sudo)')
    .option('--backup-delete', 'delete the kept encrypted shares')
    .option('--verify', 'with -init: the new shares take effect once given back; alone: give back a new share (with -status or -cancel: the verification)')
    .argument('[key]', 'a current unseal key share (prompted without echo when omitted; - reads stdin)')
    .action((key: string | undefined, flags: RekeyFlags) => rekey(key, flags));
}
