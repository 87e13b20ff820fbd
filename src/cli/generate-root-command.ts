/**
 * @module `hush operator generate-root`: a new root token from a quorum of unseal-share holders,
 * in the vault CLI's forms. `-init` starts (printing the OTP the server made, or using `-otp`),
 * each holder runs it with their share (prompted without echo when not given; the nonce is read
 * from the server unless `-nonce`), the last one gets the encoded token, and the OTP holder runs
 * `-decode=ENCODED -otp=OTP`; or `-init -pgp-key=FILE`, and the key's holder decrypts the encoded
 * token with gpg. `-status`, `-cancel` and `-generate-otp` as in vault.
 */
import { Command } from 'commander';
import { GENERATED_TOKEN_LENGTH, randomBase62 } from '../auth/token-format.js';
import { decodeRootToken } from '../lib/root-token-otp.js';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { readPgpKeyFiles, readStdin, readUnsealKey } from './cli-input.js';
import { formatTable, printRaw, printStructured, printSuccess, pickField, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { isRecord } from './secret-display.js';

interface GenerateRootFlags extends OutputFlags {
  init?: boolean;
  status?: boolean;
  cancel?: boolean;
  decode?: string;
  generateOtp?: boolean;
  otp?: string;
  nonce?: string;
  pgpKey?: string;
}

/** The vault CLI's rows for a status (the OTP only when the server made one). */
function statusRows(s: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rows: Record<string, unknown> = {
    Nonce: s.nonce,
    Started: s.started,
    Progress: `${String(s.progress)}/${String(s.required)}`,
    Complete: s.complete,
  };
  if (typeof s.otp === 'string' && s.otp !== '') rows.OTP = s.otp;
  if (typeof s.pgp_fingerprint === 'string' && s.pgp_fingerprint !== '') rows['PGP Fingerprint'] = s.pgp_fingerprint;
  else rows['OTP Length'] = s.otp_length;
  if (typeof s.encoded_token === 'string' && s.encoded_token !== '') rows['Encoded Token'] = s.encoded_token;
  return rows;
}

function printStatus(flags: OutputFlags, body: unknown): void {
  const s = isRecord(body) ? body : {};
  if (flags.field) printRaw(pickField(flags.field, s, statusRows(s)));
  else if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, body);
  else process.stdout.write(`${formatTable(statusRows(s))}\n`);
}

/** The nonce of the attempt in progress at `path` (`-nonce` spares the request). */
export async function attemptNonce(path: string, what: string): Promise<string> {
  const status = (await clientFromEnv().read(path)).body;
  if (!isRecord(status) || status.started !== true) throw new CliError(`no ${what} in progress: start one with -init`, 2);
  return String(status.nonce);
}

async function generateRoot(key: string | undefined, flags: GenerateRootFlags): Promise<void> {
  const forms = [flags.init, flags.status, flags.cancel, flags.decode !== undefined, flags.generateOtp].filter(Boolean).length;
  if (forms > 1) throw new CliError('use only one of -init, -status, -cancel, -decode and -generate-otp', 1);
  if (forms === 1 && key !== undefined) throw new CliError('a key is given only to submit a share, not with -init, -status, -cancel, -decode or -generate-otp', 1);
  if (flags.generateOtp) {
    process.stdout.write(`${randomBase62(GENERATED_TOKEN_LENGTH)}\n`);
    return;
  }
  if (flags.decode !== undefined) {
    if (!flags.otp) throw new CliError('-decode needs the OTP of the attempt: -otp=OTP', 1);
    const encoded = flags.decode === '-' ? (await readStdin()).trim() : flags.decode;
    process.stdout.write(`${decodeRootToken(encoded, flags.otp)}\n`);
    return;
  }
  const client = clientFromEnv();
  if (flags.init) {
    const pgpKey = readPgpKeyFiles(flags.pgpKey, '-pgp-key');
    if (pgpKey !== undefined && (pgpKey.length !== 1 || flags.otp)) throw new CliError('-pgp-key takes one key file, and no -otp', 1);
    const body = pgpKey ? { pgp_key: pgpKey[0] } : flags.otp ? { otp: flags.otp } : {};
    return printStatus(flags, (await client.write('sys/generate-root/attempt', body)).body);
  }
  if (flags.status) return printStatus(flags, (await client.read('sys/generate-root/attempt')).body);
  if (flags.cancel) {
    await client.delete('sys/generate-root/attempt');
    return printSuccess(flags, 'Success! Root token generation canceled (if it was started)', {});
  }
  const nonce = flags.nonce || (await attemptNonce('sys/generate-root/attempt', 'root token generation'));
  printStatus(flags, (await client.write('sys/generate-root/update', { key: await readUnsealKey(key), nonce })).body);
}

export function createGenerateRootCommand(): Command {
  return withOutputFlags(new Command('generate-root'))
    .description('Make a new root token from a quorum of unseal key holders (-init, then each holder with a key, then -decode)')
    .option('--init', 'start a root token generation (prints the OTP unless -otp is given)')
    .option('--status', 'show the generation in progress')
    .option('--cancel', 'cancel the generation in progress')
    .option('--decode <encoded>', 'decode the encoded token with -otp (- reads it from stdin)')
    .option('--generate-otp', 'print an OTP to start with (-init -otp=…)')
    .option('--otp <otp>', 'the one-time password, for -init or -decode')
    .option('--nonce <nonce>', "the attempt's nonce (read from the server when omitted)")
    .option('--pgp-key <file>', 'with -init: a public key file the new token is encrypted to instead (decrypt: base64 -d | gpg -dq)')
    .argument('[key]', 'an unseal key share (prompted without echo when omitted; - reads stdin)')
    .action((key: string | undefined, flags: GenerateRootFlags) => generateRoot(key, flags));
}
