/**
 * @module The `hush` command tree, built without side effects so tests can run commands in
 * process. `main.ts` is the only place that reads `process.argv` and calls `process.exit`.
 */
import { Command } from 'commander';
import { HUSH_VERSION } from '../version.js';
import { createServerCommand } from './server-command.js';

export function createProgram(): Command {
  const program = new Command('hush')
    .description('Hush: secrets for CI/CD pipelines, speaking the HashiCorp Vault API')
    .version(HUSH_VERSION, '-v, --version')
    .showSuggestionAfterError(true)
    .exitOverride();
  program.addCommand(createServerCommand());
  for (const cmd of program.commands) cmd.exitOverride();
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
