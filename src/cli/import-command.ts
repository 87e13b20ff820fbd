/**
 * @module `hush import FILE --path P [--format dotenv|json|yaml] [--merge] [--dry-run]
 * [--no-expand]`: stores the variables of a `.env`, JSON or YAML file as ONE new version of the
 * KV secret at P. By default the file's keys replace the secret's data; `--merge` keeps keys the
 * file does not mention. Either way the write is check-and-set against the version read, so a
 * change made meanwhile by someone else is never overwritten. `--dry-run` lists key names with
 * new/changed/unchanged/removed and never a value.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { clientFromEnv } from './cli-context.js';
import { resolveKvPath } from './kv-command.js';
import { isRecord } from './secret-display.js';
import type { ApiBody } from './secret-display.js';
import { HushError } from '../lib/errors.js';
import { IMPORT_FORMATS, formatFromName, isImportFormat, readImportFile } from '../import/import-file.js';
import { planImport, summarizeChanges } from '../import/import-plan.js';

interface ImportFlags {
  readonly path?: string;
  readonly format?: string;
  readonly merge?: boolean;
  readonly dryRun?: boolean;
  readonly expand: boolean;
}

function readSource(file: string, flags: ImportFlags): Map<string, string> {
  const format = flags.format ?? formatFromName(file);
  if (!isImportFormat(format)) {
    throw new HushError('bad_request', `unknown --format ${JSON.stringify(format)}: use one of ${IMPORT_FORMATS.join(', ')}`);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HushError('bad_request', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  const incoming = readImportFile(text, file, { format, expand: flags.expand });
  if (incoming.size === 0) throw new HushError('bad_request', `${file} has no variables: nothing to import`);
  return incoming;
}

async function importFile(file: string, flags: ImportFlags): Promise<void> {
  if (!flags.path) throw new HushError('bad_request', 'missing --path: the secret to import into (secret/myapp/dev)');
  const incoming = readSource(file, flags);
  const client = clientFromEnv();
  try {
    const t = await resolveKvPath(client, flags.path);
    const p = t.v2 ? `${t.mount}data/${t.key}` : `${t.mount}${t.key}`;
    const res = await client.request<ApiBody>('GET', p, undefined, undefined, {}, [404]);
    const outer = isRecord(res.body?.data) ? res.body.data : undefined;
    const current = t.v2 ? (isRecord(outer?.data) ? outer.data : undefined) : outer;
    // the latest version, also when it is deleted (then there is metadata but no data)
    const version = t.v2 && isRecord(outer?.metadata) ? Number(outer.metadata.version) || 0 : 0;
    const plan = planImport(incoming, current, flags.merge === true);
    const width = Math.max(...plan.changes.map((c) => c.change.length));
    const list = plan.changes.map((c) => `  ${c.change.padEnd(width)}  ${c.key}\n`).join('');
    const summary = summarizeChanges(plan.changes);
    const target = t.v2 ? `${p} (version ${version + 1})` : p;
    if (flags.dryRun) {
      process.stdout.write(`Dry run, nothing written. Importing ${file} would write ${target}:\n${list}${summary}\n`);
      return;
    }
    if (plan.changes.every((c) => c.change === 'unchanged')) {
      process.stdout.write(`Nothing to do: ${p} already holds these values${t.v2 ? ` (version ${version})` : ''}\n`);
      return;
    }
    const written = t.v2 ? await client.write<ApiBody>(p, { data: plan.data, options: { cas: version } }) : await client.write<ApiBody>(p, plan.data);
    const meta = isRecord(written.body?.data) ? written.body.data : undefined;
    const where = meta?.version !== undefined ? `${p} (version ${String(meta.version)})` : p;
    process.stdout.write(`Success! Imported ${incoming.size} key${incoming.size === 1 ? '' : 's'} from ${file} into ${where}: ${summary}\n`);
  } finally {
    client.close();
  }
}

export function createImportCommand(): Command {
  return new Command('import')
    .description('Store the variables of a .env, JSON or YAML file as one new version of a KV secret')
    .argument('<file>', 'the file to read (.env, .json, .yaml/.yml; other names are read as .env)')
    .option('--path <path>', 'the secret to write, mount included (secret/myapp/dev)')
    .option('--format <format>', `${IMPORT_FORMATS.join(', ')} (default: from the file name)`)
    .option('--merge', 'keep the secret\'s keys that the file does not have (default: replace all)')
    .option('--dry-run', 'show which keys would be new, changed, unchanged or removed; write nothing')
    .option('--no-expand', 'take ${VAR} in .env values literally instead of expanding it')
    .action((file: string, flags: ImportFlags) => importFile(file, flags));
}
