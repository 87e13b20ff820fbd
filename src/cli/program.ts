/**
 * @module The `hush` command tree, built without side effects so tests can run commands in
 * process. `main.ts` is the only place that reads `process.argv` and calls `process.exit`.
 */
import { Command } from 'commander';
import { HUSH_VERSION } from '../version.js';
import { createServerCommand } from './server-command.js';
import { createKvCommand } from './kv-command.js';
import { createDeleteCommand, createListCommand, createReadCommand, createWriteCommand } from './generic-commands.js';
import { createSecretsCommand } from './secrets-command.js';
import { createAuthCommand } from './auth-command.js';
import { createPolicyCommand } from './policy-command.js';
import { createAuditCommand } from './audit-command.js';
import { createTokenCommand } from './token-command.js';
import { createOperatorCommand } from './operator-command.js';
import { createStatusCommand } from './status-command.js';
import { createLoginCommand } from './login-command.js';
import { createRunCommand } from './run-command.js';
import { createScanCommand } from './scan-command.js';
import { addConnectionFlags, applyConnectionFlags } from './cli-context.js';
import type { ConnectionFlags } from './cli-context.js';

/** Commands that do not talk to a server, so take no -address / -ca-cert flags. */
const LOCAL_COMMANDS = new Set(['server', 'version', 'fmt', 'verify', 'help', 'scan', 'run']);

/** Gives every leaf command that calls the API vault's connection flags. */
function addConnectionFlagsToLeaves(cmd: Command): void {
  for (const sub of cmd.commands) {
    if (LOCAL_COMMANDS.has(sub.name())) continue;
    if (sub.commands.length > 0) addConnectionFlagsToLeaves(sub);
    else addConnectionFlags(sub);
  }
}

function createVersionCommand(): Command {
  return new Command('version').description('Print the Hush version').action(() => {
    process.stdout.write(`Hush v${HUSH_VERSION}\n`);
  });
}

function exitOverrideAll(cmd: Command): void {
  cmd.exitOverride();
  for (const sub of cmd.commands) exitOverrideAll(sub);
}

export function createProgram(): Command {
  const program = new Command('hush')
    .description('Hush: secrets for CI/CD pipelines, speaking the HashiCorp Vault API')
    .version(HUSH_VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    // Subcommands have their own -version flags (kv get -version=2): the program's own
    // options count only before the subcommand name.
    .enablePositionalOptions();
  for (const cmd of [
    createServerCommand(),
    createStatusCommand(),
    createOperatorCommand(),
    createLoginCommand(),
    createTokenCommand(),
    createKvCommand(),
    createReadCommand(),
    createWriteCommand(),
    createListCommand(),
    createDeleteCommand(),
    createSecretsCommand(),
    createAuthCommand(),
    createPolicyCommand(),
    createAuditCommand(),
    createRunCommand(),
    createScanCommand(),
    createVersionCommand(),
  ]) {
    program.addCommand(cmd);
  }
  addConnectionFlagsToLeaves(program);
  program.hook('preAction', (_program, action) => applyConnectionFlags(action.opts<ConnectionFlags>()));
  exitOverrideAll(program);
  return program;
}

/** Vault's CLI spells long flags with one dash (`-dev`, `-field=x`); accept both spellings. */
export function normalizeArgs(args: readonly string[]): string[] {
  const out: string[] = [];
  let passthrough = false;
  for (const arg of args) {
    if (passthrough || arg === '--') {
      passthrough = true;
      out.push(arg);
    } else if (/^-[a-zA-Z][a-zA-Z0-9-]+(=.*)?$/s.test(arg)) out.push(`-${arg}`);
    else out.push(arg);
  }
  return out;
}
