/**
 * @module `hush export --path P [--path P]… [--env-file F]… [--format dotenv|json|yaml|shell|k8s|
 * docker-secrets|github-env] [--output FILE] [--name N] [--namespace NS]`: writes the variables
 * `hush run` would inject in a format other tools read. The work is in `src/export/`; this file
 * maps flags.
 */
import { Command } from 'commander';
import { collectEach } from './cli-input.js';
import { clientFromEnv } from './cli-context.js';
import { HushError } from '../lib/errors.js';
import { createKvSource } from '../run/kv-source.js';
import { collectSecrets } from '../export/collect-secrets.js';
import { EXPORT_FORMATS, checkExportTarget, exportSecrets, isExportFormat } from '../export/export-secrets.js';
import { defaultSecretName } from '../export/k8s-secret-format.js';
import type { HushClient } from '../client/hush-client.js';

interface ExportFlags {
  readonly path: string[];
  readonly envFile: string[];
  readonly format: string;
  readonly output?: string;
  readonly name?: string;
  readonly namespace?: string;
}

export function createExportCommand(): Command {
  return new Command('export')
    .description('Write secrets as a .env file, JSON, YAML, shell script, Kubernetes Secret, Docker secret files or $GITHUB_ENV')
    .option('--path <path>', 'secret to export, mount included (secret/myapp/production); repeatable, later wins', collectEach, [])
    .option('--env-file <file>', '.env file; values may be hush://MOUNT/PATH#KEY references; repeatable', collectEach, [])
    .option('--format <format>', EXPORT_FORMATS.join(', '), 'dotenv')
    .option('--output <file>', 'write to FILE (mode 0600) instead of stdout; a directory for docker-secrets')
    .option('--name <name>', 'k8s: the Secret\'s name (default: the last segment of the last --path)')
    .option('--namespace <namespace>', 'k8s: the Secret\'s namespace')
    .action(async (flags: ExportFlags) => {
      if (!isExportFormat(flags.format)) {
        throw new HushError('bad_request', `unknown --format ${JSON.stringify(flags.format)}: use one of ${EXPORT_FORMATS.join(', ')}`);
      }
      const target = { format: flags.format, output: flags.output, name: flags.name ?? defaultSecretName(flags.path.at(-1)), namespace: flags.namespace };
      const io = { stdout: (text: string) => process.stdout.write(text), githubEnv: process.env.GITHUB_ENV };
      checkExportTarget(target, io);
      let client: HushClient | undefined;
      try {
        const secrets = await collectSecrets({ paths: flags.path, envFiles: flags.envFile }, () => {
          client = clientFromEnv();
          return createKvSource(client);
        });
        const summary = exportSecrets(secrets, target, io);
        if (summary !== undefined) process.stderr.write(`${summary}\n`);
      } finally {
        client?.close();
      }
    });
}
