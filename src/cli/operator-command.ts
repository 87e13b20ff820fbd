/**
 * @module `hush operator init|unseal|seal|step-down|rotate|key-status|generate-root|rekey`: the server's
 * lifecycle (`generate-root` and `rekey` in their own files). `unseal` without a key prompts
 * without echo on a terminal, and reads one line from stdin otherwise.
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { parseIntFlag, readPgpKeyFiles, readUnsealKey } from './cli-input.js';
import { formatTable, printRaw, printStructured, printSuccess, pickField, withFormatFlag, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { printSealStatus } from './status-command.js';
import { createGenerateRootCommand } from './generate-root-command.js';
import { createRekeyCommand } from './rekey-command.js';
import { dataOf, isRecord } from './secret-display.js';

interface InitFlags extends OutputFlags {
  keyShares?: string;
  keyThreshold?: string;
  status?: boolean;
  pgpKeys?: string;
  rootTokenPgpKey?: string;
}

async function init(flags: InitFlags): Promise<void> {
  const client = clientFromEnv();
  if (flags.status) {
    const res = await client.read('sys/init');
    const initialized = isRecord(res.body) && res.body.initialized === true;
    if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, res.body);
    else process.stdout.write(initialized ? 'Hush is initialized\n' : 'Hush is not initialized\n');
    process.exitCode = initialized ? 0 : 2;
    return;
  }
  const shares = parseIntFlag(flags.keyShares, '-key-shares') ?? 5;
  const threshold = parseIntFlag(flags.keyThreshold, '-key-threshold') ?? 3;
  const pgpKeys = readPgpKeyFiles(flags.pgpKeys, '-pgp-keys');
  const rootKey = readPgpKeyFiles(flags.rootTokenPgpKey, '-root-token-pgp-key');
  if (rootKey !== undefined && rootKey.length !== 1) throw new CliError('-root-token-pgp-key takes one key file', 1);
  const res = await client.write('sys/init', {
    secret_shares: shares,
    secret_threshold: threshold,
    ...(pgpKeys ? { pgp_keys: pgpKeys } : {}),
    ...(rootKey ? { root_token_pgp_key: rootKey[0] } : {}),
  });
  const body = isRecord(res.body) ? res.body : {};
  const b64 = Array.isArray(body.keys_base64) ? body.keys_base64.map(String) : [];
  const hex = Array.isArray(body.keys) ? body.keys.map(String) : [];
  const root = String(body.root_token ?? '');
  if (flags.format === 'json' || flags.format === 'yaml') {
    // The server's body, plus the field names `vault operator init -format=json` prints, so
    // scripts written for vault (`jq -r .unseal_keys_b64[0]`) keep working.
    printStructured(flags.format, {
      ...body,
      unseal_keys_b64: b64,
      unseal_keys_hex: hex,
      unseal_shares: shares,
      unseal_threshold: threshold,
      recovery_keys_b64: [],
      recovery_keys_hex: [],
      recovery_keys_shares: 0,
      recovery_keys_threshold: 0,
      root_token: root,
    });
    return;
  }
  const lines = b64.map((k, i) => `Unseal Key ${i + 1}: ${k}`);
  lines.push('', `Initial Root Token: ${root}`, '');
  if (pgpKeys) lines.push('The unseal keys are encrypted to the PGP keys given, in order.');
  if (rootKey) lines.push('The root token is encrypted to the PGP key given.');
  if (pgpKeys || rootKey) lines.push('Each holder decrypts theirs with: echo VALUE | base64 -d | gpg -dq', '');
  lines.push(
    `Hush initialized with ${shares} key shares and a key threshold of ${threshold}. Please securely`,
    'distribute the key shares printed above. When the server is re-sealed, restarted, or stopped,',
    `you must supply at least ${threshold} of these keys to unseal it before it can start servicing requests.`,
    '',
    `Hush does not store the generated root key. Without at least ${threshold} keys to reconstruct`,
    'the root key, the server will remain permanently sealed!',
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function unseal(key: string | undefined, flags: OutputFlags & { reset?: boolean }): Promise<void> {
  const client = clientFromEnv();
  if (flags.reset) {
    if (key) throw new CliError('-reset takes no key', 1);
    const res = await client.write('sys/unseal', { reset: true });
    printSealStatus(flags, res.body);
    process.exitCode = 0;
    return;
  }
  const res = await client.write('sys/unseal', { key: await readUnsealKey(key) });
  printSealStatus(flags, res.body);
  // Unsealing is progress, not failure: only `status` exits 2 for "still sealed".
  process.exitCode = 0;
}

async function seal(flags: OutputFlags): Promise<void> {
  await clientFromEnv().write('sys/seal', {});
  printSuccess(flags, 'Success! Hush is sealed.', {});
}

function keyStatusRows(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const rows: Record<string, unknown> = { 'Key Term': data.term, 'Install Time': data.install_time };
  if (data.encryptions !== undefined) rows['Encryption Count'] = data.encryptions;
  return rows;
}

async function printKeyStatus(flags: OutputFlags, prefix?: string): Promise<void> {
  const res = await clientFromEnv().read('sys/key-status');
  const data = dataOf(res.body);
  if (flags.field) printRaw(pickField(flags.field, data, keyStatusRows(data)));
  else if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, res.body);
  else process.stdout.write(`${prefix ? `${prefix}\n\n` : ''}${formatTable(keyStatusRows(data))}\n`);
}

async function stepDown(flags: OutputFlags): Promise<void> {
  await clientFromEnv().write('sys/step-down', {});
  printSuccess(flags, 'Success! Stepped down: this server hands its role to a standby and becomes one', {});
}

async function rotate(flags: OutputFlags): Promise<void> {
  await clientFromEnv().write('sys/rotate', {});
  await printKeyStatus(flags, 'Success! Rotated key');
}

export function createOperatorCommand(): Command {
  const operator = new Command('operator').description('Initialise, unseal, seal and rotate the server\'s keys');
  operator.addCommand(
    withFormatFlag(new Command('init'))
      .description('Initialise a new server: prints the unseal keys and the initial root token')
      .option('--key-shares <n>', 'number of unseal key shares', '5')
      .option('--key-threshold <n>', 'shares needed to unseal', '3')
      .option('--status', 'only tell whether the server is initialised (exit 0 yes, 2 no)')
      .option('--pgp-keys <files>', 'comma-separated public key files: each share is encrypted to one, in order')
      .option('--root-token-pgp-key <file>', 'a public key file the initial root token is encrypted to')
      .action((flags: InitFlags) => init(flags)),
  );
  operator.addCommand(
    withOutputFlags(new Command('unseal'))
      .description('Submit one unseal key share (prompted without echo when not given; - reads stdin)')
      .option('--reset', 'discard the shares submitted so far')
      .argument('[key]')
      .action((key: string | undefined, flags: OutputFlags & { reset?: boolean }) => unseal(key, flags)),
  );
  operator.addCommand(
    withFormatFlag(new Command('seal'))
      .description('Seal the server: it forgets its keys until unsealed')
      .action((flags: OutputFlags) => seal(flags)),
  );
  operator.addCommand(
    withOutputFlags(new Command('rotate'))
      .description('Add a new encryption key term for new writes')
      .action((flags: OutputFlags) => rotate(flags)),
  );
  operator.addCommand(
    withFormatFlag(new Command('step-down'))
      .description('HA: make the active server hand its role to a standby (for maintenance)')
      .action((flags: OutputFlags) => stepDown(flags)),
  );
  operator.addCommand(createGenerateRootCommand());
  operator.addCommand(createRekeyCommand());
  operator.addCommand(
    withOutputFlags(new Command('key-status'))
      .description('Show the current encryption key term')
      .action((flags: OutputFlags) => printKeyStatus(flags)),
  );
  return operator;
}
