/**
 * @module `hush scan`: the leak scanner's command line. Parses options, runs the scan, writes the
 * report (stdout or `--output`) and sets the exit code: 1 when findings remain, 2 on error (one
 * line on stderr), 0 otherwise. Imports only the scanner, so start-up stays fast for pre-commit.
 */
import { writeFile } from 'node:fs/promises';
import { Command, Option } from 'commander';
import { isHushError } from '../lib/errors.js';
import { REPORT_FORMATS } from '../scanner/reporters/report-format.js';
import type { ReportFormat } from '../scanner/reporters/report-format.js';
import type { HistoryProgress } from '../scanner/sources/history-source.js';
import { SCANNER_VERSION } from '../scanner/scan-version.js';
import { connectServer, wantsServer } from './scan-server-flags.js';
import type { ServerFlags, ServerLink } from './scan-server-flags.js';

interface ScanFlags extends ServerFlags {
  staged?: boolean;
  since?: string;
  history?: boolean;
  image?: string[];
  git: boolean;
  ignore: boolean;
  format: ReportFormat;
  output?: string;
  baseline?: string;
  baselineWrite?: string;
  showSecrets?: boolean;
  config?: string;
  threads?: string;
  cache: boolean;
}

const repeatable = (v: string, prev: string[] = []) => [...prev, v];

export function createScanCommand(): Command {
  const scan = new Command('scan')
    .description('find leaked credentials in files, staged changes, git history or container images')
    .argument('[paths...]', 'files or directories to scan (`-` reads stdin); default: the current directory')
    .option('--staged', 'scan only lines added in the staged change (pre-commit)')
    .option('--since <rev>', 'scan lines added by the commits in <rev>..HEAD')
    .option('--history', 'scan every blob of the full git history once')
    .option('--image <tar>', 'scan a `docker save` or OCI layout tarball (repeatable)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--no-git', 'scan directories as plain files even inside a git repository')
    .option('--no-ignore', 'do not respect .gitignore')
    .addOption(new Option('--format <format>', 'report format').choices(REPORT_FORMATS).default('text'))
    .option('--output <file>', 'write the report to a file instead of stdout')
    .option('--baseline <file>', 'report only findings whose fingerprint is not in this baseline')
    .option('--baseline-write <file>', 'write the current findings as the baseline and exit 0')
    .option('--show-secrets', 'print secrets instead of redacting them')
    .option('--config <file>', 'a .gitleaks.toml whose rules and allowlists to use (default: ./.gitleaks.toml)')
    .option('--threads <n>', 'worker threads (default: available cores; 0 = none)')
    .option('--no-cache', 'do not use or update the history cache')
    .option('--server', 'also report values of secrets managed in Hush (HUSH_ADDR, HUSH_TOKEN), compared by keyed hashes')
    .option('--server-mount <mount>', 'with --server: only this KV mount (repeatable)', repeatable)
    .option('--server-path <path>', 'with --server: only this folder (`secret/app/`) or secret (repeatable)', repeatable)
    .option('--server-versions <n>', 'with --server: readable versions per secret to compare, newest first (default 3)')
    .option('--rotate', 'with --server: give each leaked managed value that is still current a fresh value (new KV v2 version)')
    .action(async (paths: string[], flags: ScanFlags) => {
      await runScanAction(paths, flags);
    });

  const hook = new Command('hook').description('manage the git pre-commit hook');
  hook
    .command('install')
    .description('write .git/hooks/pre-commit running `hush scan --staged`')
    .option('--force', 'replace an existing pre-commit hook not written by hush')
    .action(async (flags: { force?: boolean }) => {
      try {
        const { installPreCommitHook } = await import('../scanner/hook-install.js');
        const r = await installPreCommitHook(process.cwd(), flags.force === true);
        process.stdout.write(`${r.replaced ? 'replaced' : 'installed'} ${r.path}\n`);
      } catch (err) {
        fail(err);
      }
    });
  scan.addCommand(hook);
  return scan;
}

async function runScanAction(paths: string[], flags: ScanFlags): Promise<void> {
  // Loaded here, not at the top: other `hush` commands need not compile the scanner's rules.
  const [{ runScan }, { REPORTERS }] = await Promise.all([
    import('../scanner/scan-runner.js'),
    import('../scanner/reporters/reporters.js'),
  ]);
  let server: ServerLink | undefined;
  try {
    const threads = flags.threads === undefined ? undefined : Number(flags.threads);
    if (threads !== undefined && (!Number.isInteger(threads) || threads < 0)) throw new Error('--threads must be a whole number');
    const progressTty = flags.history === true && process.stderr.isTTY;
    server = wantsServer(flags) ? await connectServer(flags) : undefined;
    const outcome = await runScan({
      cwd: process.cwd(),
      paths,
      ...(flags.staged === true ? { staged: true } : {}),
      ...(flags.since !== undefined ? { since: flags.since } : {}),
      ...(flags.history === true ? { history: true } : {}),
      ...(flags.image !== undefined ? { images: flags.image } : {}),
      ...(!flags.git ? { noGit: true } : {}),
      ...(!flags.ignore ? { noIgnore: true } : {}),
      ...(flags.config !== undefined ? { config: flags.config } : {}),
      ...(flags.baseline !== undefined ? { baseline: flags.baseline } : {}),
      ...(flags.baselineWrite !== undefined ? { baselineWrite: flags.baselineWrite } : {}),
      ...(threads !== undefined ? { threads } : {}),
      ...(!flags.cache ? { cache: false } : {}),
      readStdin: readAllStdin,
      ...(progressTty ? { onProgress: showProgress } : {}),
      ...(server !== undefined ? { managed: server.managed } : {}),
    });
    const toFile = flags.output !== undefined;
    const report = REPORTERS[flags.format](outcome.findings, {
      showSecrets: flags.showSecrets === true,
      color: !toFile && flags.format === 'text' && process.stdout.isTTY === true && process.env['NO_COLOR'] === undefined,
      toolVersion: SCANNER_VERSION,
    });
    if (toFile) await writeFile(flags.output!, report);
    else process.stdout.write(report);
    if (flags.baselineWrite !== undefined) {
      process.stderr.write(`hush scan: wrote ${outcome.baselined} fingerprint(s) to ${flags.baselineWrite}\n`);
    }
    process.exitCode = outcome.findings.length > 0 ? 1 : 0;
    if (flags.rotate === true && server !== undefined && !(await server.rotate(outcome.findings))) process.exitCode = 2;
  } catch (err) {
    fail(err);
  } finally {
    server?.close();
  }
}

function fail(err: unknown): void {
  let msg = err instanceof Error ? err.message : String(err);
  if (isHushError(err, 'internal') && err.cause instanceof Error) msg = `${msg}: ${err.cause.message}`;
  process.stderr.write(`hush scan: ${msg.split('\n')[0] ?? 'error'}\n`);
  process.exitCode = 2;
}

async function readAllStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

let lastProgress = 0;
function showProgress(p: HistoryProgress): void {
  const now = Date.now();
  if (!p.done && now - lastProgress < 200) return;
  lastProgress = now;
  const mb = (p.bytes / 1048576).toFixed(1);
  process.stderr.write(`\r\x1b[Kscanning history: ${p.commits} commits, ${p.blobs} blobs (${p.cached} cached), ${mb} MB scanned${p.done ? '\n' : ''}`);
}
