/**
 * @module `hush run [--path P]… [--env-file F]… [--override] [--no-mask] [--mount [DIR]]
 * [--fallback FILE [--fallback-max-age 24h]] [--check [--contract FILE]] -- CMD ARGS…`: starts
 * CMD with secrets from Hush in its environment and masks them in its output. The work is in `src/run/`; this file maps
 * flags. The command's exit status becomes hush's (`process.exitCode`).
 */
import { Command } from 'commander';
import { collectEach } from './cli-input.js';
import { clientFromEnv, readCliEnv } from './cli-context.js';
import { HushError } from '../lib/errors.js';
import { FALLBACK_KEY_ENV, parseDuration } from '../run/fallback-cache.js';
import { superviseChild } from '../run/child-supervisor.js';
import { createKvSource } from '../run/kv-source.js';
import { runWithSecrets } from '../run/run-with-secrets.js';
import type { HushClient } from '../client/hush-client.js';

interface RunFlags {
  readonly path: string[];
  readonly envFile: string[];
  readonly override?: boolean;
  readonly mask: boolean;
  readonly mount?: string | true;
  readonly fallback?: string;
  readonly fallbackMaxAge: string;
  readonly check?: boolean;
  readonly contract?: string;
}

export function createRunCommand(): Command {
  return new Command('run')
    .description('Run a command with secrets from Hush in its environment, masked in its output')
    .usage('[options] -- <command> [args...]')
    .option('--path <path>', 'secret to inject, mount included (secret/myapp/production); repeatable, later wins', collectEach, [])
    .option('--env-file <file>', '.env file; values may be hush://MOUNT/PATH#KEY references; repeatable', collectEach, [])
    .option('--override', 'secrets win over variables already in the environment')
    .option('--no-mask', 'do not mask secret values in the output')
    .option('--mount [dir]', 'write each secret to DIR/NAME (0400) and set NAME_FILE instead of NAME')
    .option('--fallback <file>', `encrypted offline copy (passphrase in ${FALLBACK_KEY_ENV}), used when the server is unreachable`)
    .option('--fallback-max-age <duration>', 'oldest fallback copy to use', '24h')
    .option('--check', 'check the environment against the contract first; do not start the command on problems')
    .option('--contract <file>', 'the contract for --check (default: hush.toml, else .env.example); implies --check')
    .argument('<command>', 'the command to run (put -- before it)')
    .argument('[args...]', 'its arguments')
    .action(async (command: string, args: string[], flags: RunFlags) => {
      const maxAge = parseDuration(flags.fallbackMaxAge);
      if (flags.mount === '') throw new HushError('bad_request', '--mount needs a directory');
      const cli = readCliEnv();
      // loaded only with --check: start-up time of a plain `hush run` matters
      const beforeStart =
        flags.check || flags.contract !== undefined ? await (await import('./check-command.js')).prepareRunCheck(flags.contract) : undefined;
      let client: HushClient | undefined;
      try {
        const status = await runWithSecrets(
          {
            paths: flags.path,
            envFiles: flags.envFile,
            override: flags.override === true,
            mask: flags.mask,
            mount: flags.mount,
            fallback: flags.fallback,
            fallbackMaxAge: maxAge,
            command,
            args,
          },
          {
            source: () => {
              client = clientFromEnv();
              return createKvSource(client);
            },
            env: process.env,
            extraMasked: [cli.token, process.env[FALLBACK_KEY_ENV]].filter((v): v is string => typeof v === 'string'),
            serverName: cli.address,
            beforeStart,
            // the child's run can be long: do not keep idle connections to the server. Closed
            // once the child has started (superviseChild spawns it before its first await), so
            // that the closing overlaps with the child's start instead of delaying it
            supervise: (opts) => {
              const status = superviseChild(opts);
              client?.close();
              return status;
            },
          },
        );
        process.exitCode = status;
      } finally {
        client?.close();
      }
    });
}
