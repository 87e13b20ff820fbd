/**
 * @module A standalone entry for `hush run` alone (`node --import tsx src/run/run-main.ts run …`),
 * used by the end-to-end tests until the command is registered in the main program. Like
 * `cli/main.ts`, the only place here that exits.
 */
import { Command } from 'commander';
import { createRunCommand } from '../cli/run-command.js';
import { describeFailure } from '../cli/cli-errors.js';

async function main(): Promise<number> {
  const program = new Command('hush').exitOverride();
  program.addCommand(createRunCommand().exitOverride());
  try {
    await program.parseAsync(process.argv.slice(2), { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    const failure = describeFailure(err);
    if (failure.line) console.error(failure.line);
    return failure.exitCode;
  }
}

main().then((code) => process.exit(code));
