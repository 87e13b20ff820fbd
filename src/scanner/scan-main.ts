/**
 * @module Standalone entry with only the scan command (`node scan-main.js scan …`), used by
 * tests, the benchmark and the pre-commit path until the main CLI mounts `createScanCommand()`.
 * The only place in the scanner that decides the process exit code for parse errors.
 */
import { Command, CommanderError } from 'commander';
import { createScanCommand } from '../cli/scan-command.js';

const program = new Command('hush').exitOverride().addCommand(createScanCommand());
program.commands.forEach((c) => c.exitOverride());
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0 ? 0 : 2;
  } else {
    process.stderr.write(`hush scan: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  }
}
