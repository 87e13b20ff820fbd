/**
 * @module Entry point of the `hush` command: the only place that exits the process.
 */
import { createProgram, normalizeArgs } from './program.js';
import { describeFailure } from './cli-errors.js';
import { adoptDeferredExtraCaCerts } from '../client/deferred-extra-ca-certs.js';

async function main(): Promise<number> {
  // before anything reads or copies the environment (bin/hush, the launcher, may have moved
  // NODE_EXTRA_CA_CERTS aside so that Node starts without parsing it)
  adoptDeferredExtraCaCerts(process.env);
  const args = normalizeArgs(process.argv.slice(2));
  try {
    // only the invoked command's modules are loaded: this is `hush run`'s start-up path
    const program = await createProgram(args);
    await program.parseAsync(args, { from: 'user' });
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (err) {
    const failure = describeFailure(err);
    if (failure.line) console.error(failure.line);
    return failure.exitCode;
  }
}

main().then((code) => process.exit(code));
