/**
 * @module `hush audit enable|list|disable|verify`: audit devices (`sys/audit`), and checking an
 * audit file's hash chain locally (`verify`: exit 1 and the first bad line when it is broken).
 */
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { parseKeyValues } from './cli-input.js';
import { mountPath, printMounts } from './mount-display.js';
import { printStructured, printSuccess, withFormatFlag } from './output.js';
import type { OutputFlags } from './output.js';
import { verifyAuditLog } from '../audit/audit-verify.js';

interface EnableFlags extends OutputFlags {
  path?: string;
  description?: string;
  local?: boolean;
}

async function enable(type: string, args: readonly string[], flags: EnableFlags): Promise<void> {
  const options = Object.fromEntries(Object.entries(await parseKeyValues(args)).map(([k, v]) => [k, String(v)]));
  const path = mountPath(flags.path ?? type);
  await clientFromEnv().write(`sys/audit/${path}`, {
    type,
    description: flags.description ?? '',
    options,
    local: flags.local ?? false,
  });
  printSuccess(flags, `Success! Enabled the ${type} audit device at: ${path}`, {});
}

async function list(flags: OutputFlags & { detailed?: boolean }): Promise<void> {
  const res = await clientFromEnv().read('sys/audit');
  printMounts(flags, res.body, 'audit', flags.detailed ?? false);
}

async function disable(path: string, flags: OutputFlags): Promise<void> {
  await clientFromEnv().delete(`sys/audit/${mountPath(path)}`);
  printSuccess(flags, `Success! Disabled audit device (if it was enabled) at: ${mountPath(path)}`, {});
}

async function verify(file: string, flags: OutputFlags & { prefix?: string }): Promise<void> {
  let result;
  try {
    result = await verifyAuditLog(file, flags.prefix !== undefined ? { prefix: flags.prefix } : {});
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code) throw new CliError(`cannot read ${file}: ${code}`, 1);
    throw err;
  }
  if (flags.format === 'json' || flags.format === 'yaml') {
    printStructured(flags.format, result);
    if (!result.ok) process.exitCode = 1;
  } else if (result.ok) process.stdout.write(`OK: ${result.lines} lines, chain intact\n`);
  else {
    const detail = result.detail ? ` (${result.detail.split('\n')[0]})` : '';
    throw new CliError(`${file}: chain broken at line ${result.line}: ${result.reason}${detail}`, 1);
  }
}

export function createAuditCommand(): Command {
  const audit = new Command('audit').description('Enable, list, disable and verify audit devices');
  audit.addCommand(
    withFormatFlag(new Command('enable'))
      .description('Enable an audit device: hush audit enable file file_path=/var/log/hush/audit.log')
      .option('--path <path>', 'where to enable it (default: the type)')
      .option('--description <text>', 'a human-readable description')
      .option('--local', 'do not replicate (accepted for compatibility)')
      .argument('<type>')
      .argument('[options...]', 'device options as K=V')
      .action((type: string, options: string[], flags: EnableFlags) => enable(type, options, flags)),
  );
  audit.addCommand(
    withFormatFlag(new Command('list'))
      .description('List the enabled audit devices')
      .option('--detailed', 'show replication and options')
      .action((flags: OutputFlags & { detailed?: boolean }) => list(flags)),
  );
  audit.addCommand(
    withFormatFlag(new Command('disable'))
      .description('Disable an audit device')
      .argument('<path>')
      .action((path: string, flags: OutputFlags) => disable(path, flags)),
  );
  audit.addCommand(
    withFormatFlag(new Command('verify'))
      .description('Check an audit file\'s hash chain; names the first altered, removed or reordered line')
      .option('--prefix <prefix>', 'the device\'s prefix option, if it had one')
      .argument('<file>')
      .action((file: string, flags: OutputFlags & { prefix?: string }) => verify(file, flags)),
  );
  return audit;
}
