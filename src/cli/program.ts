/**
 * @module The `hush` command tree, built without side effects so tests can run commands in
 * process. `main.ts` is the only place that reads `process.argv` and calls `process.exit`.
 *
 * Start-up cost matters (`hush run` wraps every pipeline step), so each command's module is
 * imported only when that command is built: `createProgram(args)` builds just the command the
 * arguments name, and the whole tree when they name none (help, typos, suggestions).
 */
import { Command } from 'commander';
import { HUSH_VERSION } from '../version.js';
import { addConnectionFlags, applyConnectionFlags } from './cli-context.js';
import type { ConnectionFlags } from './cli-context.js';

/**
 * Every top-level command, in the order help lists them: its name, and how to build it.
 * To add one: `name: async () => (await import('./x-command.js')).createXCommand(),`
 * (the name must be the one the command is created with).
 */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  server: async () => (await import('./server-command.js')).createServerCommand(),
  status: async () => (await import('./status-command.js')).createStatusCommand(),
  operator: async () => (await import('./operator-command.js')).createOperatorCommand(),
  login: async () => (await import('./login-command.js')).createLoginCommand(),
  token: async () => (await import('./token-command.js')).createTokenCommand(),
  lease: async () => (await import('./lease-command.js')).createLeaseCommand(),
  kv: async () => (await import('./kv-command.js')).createKvCommand(),
  read: async () => (await import('./generic-commands.js')).createReadCommand(),
  write: async () => (await import('./generic-commands.js')).createWriteCommand(),
  list: async () => (await import('./generic-commands.js')).createListCommand(),
  delete: async () => (await import('./generic-commands.js')).createDeleteCommand(),
  unwrap: async () => (await import('./generic-commands.js')).createUnwrapCommand(),
  secrets: async () => (await import('./secrets-command.js')).createSecretsCommand(),
  auth: async () => (await import('./auth-command.js')).createAuthCommand(),
  policy: async () => (await import('./policy-command.js')).createPolicyCommand(),
  audit: async () => (await import('./audit-command.js')).createAuditCommand(),
  run: async () => (await import('./run-command.js')).createRunCommand(),
  export: async () => (await import('./export-command.js')).createExportCommand(),
  import: async () => (await import('./import-command.js')).createImportCommand(),
  check: async () => (await import('./check-command.js')).createCheckCommand(),
  scan: async () => (await import('./scan-command.js')).createScanCommand(),
  version: () => Promise.resolve(createVersionCommand()),
};

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

/**
 * The command the (normalized) arguments invoke, if it is one of ours. The program's own
 * options (-h, -v) take no value, so the first word that is not an option names it.
 */
export function invokedCommand(args: readonly string[]): string | undefined {
  const word = args.find((a) => a === '--' || !a.startsWith('-'));
  return word !== undefined && Object.hasOwn(COMMANDS, word) ? word : undefined;
}

/**
 * The program with the command `args` invoke, or with every command when `args` is omitted
 * or names none of ours (so help lists them all and typos get suggestions).
 */
export async function createProgram(args?: readonly string[]): Promise<Command> {
  const program = new Command('hush')
    .description('Hush: secrets for CI/CD pipelines, speaking the HashiCorp Vault API')
    .version(HUSH_VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    // Subcommands have their own -version flags (kv get -version=2): the program's own
    // options count only before the subcommand name.
    .enablePositionalOptions();
  const invoked = args === undefined ? undefined : invokedCommand(args);
  const builders = invoked === undefined ? Object.values(COMMANDS) : [COMMANDS[invoked]!];
  for (const cmd of await Promise.all(builders.map((build) => build()))) program.addCommand(cmd);
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
