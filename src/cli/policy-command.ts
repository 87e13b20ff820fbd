/**
 * @module `hush policy write|read|list|delete|fmt`: ACL policies (`sys/policies/acl`).
 * `fmt` rewrites a policy file in place in canonical HCL, like `vault policy fmt`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { readStdin } from './cli-input.js';
import { printRaw, printStructured, printSuccess, pickField, withFormatFlag, withOutputFlags } from './output.js';
import type { OutputFlags } from './output.js';
import { dataOf } from './secret-display.js';
import { formatPolicy } from '../policy/format-policy.js';

function readPolicyFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, 1);
  }
}

async function write(name: string, file: string, flags: OutputFlags): Promise<void> {
  const text = file === '-' ? await readStdin() : readPolicyFile(file);
  await clientFromEnv().write(`sys/policies/acl/${encodeURIComponent(name)}`, { policy: text });
  printSuccess(flags, `Success! Uploaded policy: ${name}`, {});
}

async function read(name: string, flags: OutputFlags): Promise<void> {
  const res = await clientFromEnv().request('GET', `sys/policies/acl/${encodeURIComponent(name)}`, undefined, undefined, {}, [404]);
  if (res.status === 404) throw new CliError(`No policy named: ${name}`, 2);
  const data = dataOf(res.body);
  if (flags.field) printRaw(pickField(flags.field, data));
  else if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, res.body);
  else {
    const text = String(data.policy ?? data.rules ?? '');
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

async function list(flags: OutputFlags): Promise<void> {
  const res = await clientFromEnv().list('sys/policies/acl');
  const data = dataOf(res.body);
  const keys = Array.isArray(data.keys) ? data.keys.map(String) : Array.isArray(data.policies) ? data.policies.map(String) : [];
  if (flags.format === 'json' || flags.format === 'yaml') printStructured(flags.format, keys);
  else process.stdout.write(keys.map((k) => `${k}\n`).join(''));
}

async function remove(name: string, flags: OutputFlags): Promise<void> {
  await clientFromEnv().delete(`sys/policies/acl/${encodeURIComponent(name)}`);
  printSuccess(flags, `Success! Deleted policy: ${name}`, {});
}

function fmt(file: string, flags: OutputFlags): void {
  const formatted = formatPolicy(readPolicyFile(file));
  writeFileSync(file, formatted);
  printSuccess(flags, `Success! Formatted policy: ${file}`, {});
}

export function createPolicyCommand(): Command {
  const policy = new Command('policy').description('Write, read, list, delete and format ACL policies');
  policy.addCommand(
    withFormatFlag(new Command('write'))
      .description('Upload a policy from a file, or - for stdin')
      .argument('<name>')
      .argument('<file>')
      .action((name: string, file: string, flags: OutputFlags) => write(name, file, flags)),
  );
  policy.addCommand(
    withOutputFlags(new Command('read'))
      .description('Print a policy\'s rules')
      .argument('<name>')
      .action((name: string, flags: OutputFlags) => read(name, flags)),
  );
  policy.addCommand(
    withFormatFlag(new Command('list'))
      .description('List the policy names')
      .action((flags: OutputFlags) => list(flags)),
  );
  policy.addCommand(
    withFormatFlag(new Command('delete'))
      .description('Delete a policy')
      .argument('<name>')
      .action((name: string, flags: OutputFlags) => remove(name, flags)),
  );
  policy.addCommand(
    withFormatFlag(new Command('fmt'))
      .description('Rewrite a policy file in place in canonical HCL')
      .argument('<file>')
      .action((file: string, flags: OutputFlags) => fmt(file, flags)),
  );
  return policy;
}

