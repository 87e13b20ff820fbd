/**
 * @module `hush check [--contract FILE] [--env-file F]… [--path P]… [--override]
 * [--no-environment]`: checks that every variable the project's contract (`hush.toml` or
 * `.env.example`) requires is set and well-typed, and prints every problem by name, never a
 * value. Exit 0 when all is well, 1 when there are problems, 2 when the check cannot run (no
 * contract, a bad contract, an unreachable server). Also holds the check `hush run --check`
 * runs on the command's environment. The work is in `src/check/`.
 */
import { Command } from 'commander';
import { collectEach } from './cli-input.js';
import { clientFromEnv } from './cli-context.js';
import { CliError } from './cli-errors.js';
import { printStructured, withFormatFlag } from './output.js';
import type { OutputFormat } from './output.js';
// Static imports: this module is itself loaded only for `hush check` and `hush run --check`, and
// in the bundled CLI (scripts/build-cli.mjs) lazy imports outside src/cli/ become separate
// module instances, whose ApiError would fail the client's `instanceof` checks.
import { checkEnvironment, count } from '../check/check-environment.js';
import type { CheckResult } from '../check/check-environment.js';
import { loadContract } from '../check/contract-file.js';
import { createKvSource } from '../run/kv-source.js';
import { prepareRun } from '../run/run-with-secrets.js';
import type { HushClient } from '../client/hush-client.js';

interface CheckFlags {
  readonly contract?: string;
  readonly envFile: string[];
  readonly path: string[];
  readonly override?: boolean;
  readonly environment: boolean;
  readonly format?: OutputFormat;
}

function defaultsNote(result: CheckResult): string {
  const names = [...result.defaults.keys()];
  return names.length === 0 ? '' : `; unset, so taking their default: ${names.join(', ')}`;
}

/** The environment to check: the current one, with env files and Hush paths as `hush run` combines them. */
async function environmentToCheck(flags: CheckFlags): Promise<Readonly<Record<string, string | undefined>>> {
  const base = flags.environment ? process.env : {};
  if (flags.path.length === 0 && flags.envFile.length === 0) return base;
  let client: HushClient | undefined;
  try {
    const prepared = await prepareRun(
      { paths: flags.path, envFiles: flags.envFile, override: flags.override === true, fallbackMaxAge: 0 },
      {
        source: () => {
          client = clientFromEnv();
          return createKvSource(client);
        },
        env: base,
      },
    );
    return prepared.env;
  } finally {
    client?.close();
  }
}

export function createCheckCommand(): Command {
  return withFormatFlag(
    new Command('check')
      .description('Check that every variable the contract (hush.toml or .env.example) requires is set and well-typed')
      .option('--contract <file>', 'the contract (default: hush.toml, else .env.example, in the current directory)')
      .option('--env-file <file>', '.env file to check; hush://MOUNT/PATH#KEY references are resolved; repeatable', collectEach, [])
      .option('--path <path>', 'secret whose keys to check, mount included (secret/myapp/production); repeatable', collectEach, [])
      .option('--override', 'env files and paths win over the current environment (as hush run --override)')
      .option('--no-environment', 'leave the current environment out: check only --env-file and --path'),
  ).action(async (flags: CheckFlags) => {
    const contract = loadContract(flags.contract);
    const result = checkEnvironment(contract, await environmentToCheck(flags));
    const ok = result.problems.length === 0;
    if (flags.format === 'json' || flags.format === 'yaml') {
      printStructured(flags.format, {
        contract: contract.file,
        ok,
        checked: result.checked,
        problems: result.problems,
        defaults: [...result.defaults.keys()],
      });
    } else {
      const lines = result.problems.map((p) => `${p.name}: ${p.problem}`);
      lines.push(
        ok
          ? `hush check: ${count(result.checked, 'variable')} ok (${contract.file})${defaultsNote(result)}`
          : `hush check: ${count(result.problems.length, 'problem')} in ${count(result.checked, 'variable')} (${contract.file})`,
      );
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    process.exitCode = ok ? 0 : 1;
  });
}

/**
 * For `hush run --check`: reads the contract now (before anything is fetched) and returns the
 * check to run on the command's environment. It prints each problem on stderr and throws to
 * keep the command from starting, or returns the defaults of unset variables to add.
 */
export async function prepareRunCheck(
  contractFlag: string | undefined,
): Promise<(env: Readonly<Record<string, string>>) => Promise<Readonly<Record<string, string>>>> {
  const contract = loadContract(contractFlag);
  return async (env) => {
    const result = checkEnvironment(contract, env);
    if (result.problems.length > 0) {
      process.stderr.write(result.problems.map((p) => `${p.name}: ${p.problem}\n`).join(''));
      throw new CliError(`hush run --check: ${count(result.problems.length, 'problem')} against ${contract.file}; the command was not started`, 1);
    }
    process.stderr.write(`hush run --check: ${count(result.checked, 'variable')} ok (${contract.file})${defaultsNote(result)}\n`);
    return Object.fromEntries(result.defaults);
  };
}
