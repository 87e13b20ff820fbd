/**
 * @module Runs one scan from parsed options: picks the sources (working tree, explicit files,
 * stdin, staged change, commit range, full history, container images), the executor (worker
 * threads for large inputs, the calling thread otherwise), then applies `.hushignore`, the
 * `.gitleaks.toml` tuning and the baseline. Returns findings; reporting and exit codes belong to
 * the CLI.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { badRequest } from '../lib/errors.js';
import { readBaseline, writeBaseline } from './config/baseline.js';
import { EMPTY_IGNORE, isFindingIgnored, isPathIgnored, loadHushIgnore } from './config/hush-ignore.js';
import { buildEngine } from './engine/engine-factory.js';
import type { BuiltEngine, EngineSpec } from './engine/engine-factory.js';
import { compareFindings, dedupeFindings } from './engine/finding.js';
import type { Finding } from './engine/finding.js';
import { inProcessExecutor } from './engine/scan-job.js';
import type { ScanExecutor } from './engine/scan-job.js';
import { WorkerPool, defaultThreadCount } from './engine/worker-pool.js';
import { rangeHunks, stagedHunks } from './sources/diff-source.js';
import { gitTopLevel } from './sources/git-process.js';
import { scanHistory } from './sources/history-source.js';
import type { HistoryProgress } from './sources/history-source.js';
import type { ManagedFingerprintData } from './managed/fingerprint-set.js';
import { imageFiles } from './sources/image-source.js';
import { listTreeFiles } from './sources/tree-source.js';

export interface ScanOptions {
  /** Directory relative paths are resolved against and reported relative to. */
  readonly cwd: string;
  /** Directories, files, or `-` for stdin; default `.` when no other source is chosen. */
  readonly paths?: readonly string[];
  readonly staged?: boolean;
  /** Scan added lines of the commits in `since..HEAD`. */
  readonly since?: string;
  readonly history?: boolean;
  /** Image archives (`docker save` or OCI layout tarballs). */
  readonly images?: readonly string[];
  readonly noGit?: boolean;
  readonly noIgnore?: boolean;
  /** A `.gitleaks.toml`; default: the one at the repository root (or `cwd`) when present. */
  readonly config?: string;
  readonly baseline?: string;
  readonly baselineWrite?: string;
  /** Worker threads; 0 scans on the calling thread. Default: available cores. */
  readonly threads?: number;
  /** History cache (default on). */
  readonly cache?: boolean;
  readonly readStdin?: () => Promise<Buffer>;
  readonly onProgress?: (p: HistoryProgress) => void;
  /** A prebuilt engine (tests, custom rules); forces scanning on the calling thread. */
  readonly engine?: BuiltEngine;
  /** `--server`: also report values of these managed secrets (ignored with `engine`). History
   * scans then skip the cache: a blob clean of rules may still hold a managed value. */
  readonly managed?: ManagedFingerprintData;
}

export interface ScanOutcome {
  /** Findings left after ignores and the baseline, sorted. */
  readonly findings: Finding[];
  /** Found but in the baseline (or just written to it). */
  readonly baselined: number;
  /** Dropped by `.hushignore`. */
  readonly ignored: number;
  readonly bytes: number;
  readonly files: number;
}

/**
 * Inputs this large go to worker threads. Each worker costs ~0.1-0.2 s of start-up (module, rules,
 * automaton, a cold JIT), which the calling thread spends scanning ~10-20 MB: below ~1,000 files
 * it finishes first on its own.
 */
const POOL_MIN_FILES = 1000;

export async function runScan(options: ScanOptions): Promise<ScanOutcome> {
  const cwd = resolve(options.cwd);
  // pre-commit: git computes the staged diff while this process finds the root and builds the engine
  const staged = options.staged === true ? stagedHunks(cwd).then((hunks) => ({ hunks }), (error: unknown) => ({ error })) : undefined;
  const top = options.noGit === true ? null : await gitTopLevel(cwd);
  const root = top ?? cwd;
  let configPath = options.config === undefined ? undefined : resolve(cwd, options.config);
  if (configPath === undefined && existsSync(join(root, '.gitleaks.toml'))) configPath = join(root, '.gitleaks.toml');
  const spec: EngineSpec = {
    ...(configPath === undefined ? {} : { gitleaksConfig: configPath }),
    ...(options.managed === undefined ? {} : { managed: options.managed }),
  };
  const built = options.engine ?? (await buildEngine(spec));
  const ignore = existsSync(join(root, '.hushignore')) ? await loadHushIgnore(join(root, '.hushignore')) : EMPTY_IGNORE;
  const threads = options.engine !== undefined ? 0 : (options.threads ?? defaultThreadCount());

  const pools: WorkerPool[] = [];
  const executorFor = (large: boolean): ScanExecutor => {
    if (!large || threads <= 1) return inProcessExecutor(built.engine);
    if (pools.length === 0) pools.push(new WorkerPool({ spec, threads }));
    return pools[0]!;
  };

  const found: Finding[] = [];
  let bytes = 0;
  let files = 0;
  try {
    const paths = options.paths ?? [];
    const anySource = options.staged === true || options.since !== undefined || options.history === true || (options.images ?? []).length > 0;
    const targets = paths.length === 0 && !anySource ? ['.'] : paths;

    if (staged !== undefined) {
      if (top === null) throw badRequest('--staged needs a git repository');
      const diff = await staged;
      if ('error' in diff) throw diff.error;
      for (const h of diff.hunks) {
        const text = h.lines.join('\n');
        bytes += Buffer.byteLength(text);
        found.push(...built.engine.scanText(text, { path: h.path }, h.startLine - 1));
      }
    }
    if (options.since !== undefined) {
      if (top === null) throw badRequest('--since needs a git repository');
      for await (const h of rangeHunks(cwd, options.since)) {
        const text = h.lines.join('\n');
        bytes += Buffer.byteLength(text);
        const c = h.commit;
        const target = c === undefined ? { path: h.path } : { path: h.path, commit: c.commit };
        for (const f of built.engine.scanText(text, target, h.startLine - 1)) found.push(c === undefined ? f : { ...f, ...c });
      }
    }
    if (options.history === true) {
      if (top === null) throw badRequest('--history needs a git repository');
      const result = await scanHistory({
        cwd,
        executor: executorFor(true),
        version: built.version,
        ...(options.managed !== undefined ? { cache: false } : options.cache !== undefined ? { cache: options.cache } : {}),
        skipPath: (p) => isPathIgnored(ignore, p),
        ...(options.onProgress !== undefined ? { onProgress: options.onProgress } : {}),
      });
      bytes += result.progress.bytes;
      files += result.progress.blobs;
      found.push(...result.findings);
    }
    for (const image of options.images ?? []) {
      const exec = executorFor(true);
      const jobs: Promise<Finding[]>[] = [];
      for await (const f of imageFiles(resolve(cwd, image))) {
        files++;
        bytes += f.data.length;
        await exec.capacity();
        jobs.push(exec.run({ kind: 'bytes', data: f.data, path: f.path }));
      }
      for (const r of await Promise.all(jobs)) found.push(...r);
    }
    // files of every directory target, scanned together below
    const treeFiles: { abs: string; path: string }[] = [];
    for (const target of targets) {
      if (target === '-') {
        if (options.readStdin === undefined) throw badRequest('stdin is not available');
        const data = await options.readStdin();
        bytes += data.length;
        files++;
        found.push(...built.engine.scanBuffer(data, { path: '-' }));
        continue;
      }
      const abs = resolve(cwd, target);
      let st;
      try {
        st = await stat(abs);
      } catch {
        throw badRequest(`no such file or directory: ${target}`);
      }
      const shown = (p: string) => toSlash(normalize(isAbsolute(target) ? join(target, p) : join(target, p)));
      if (st.isFile()) {
        files++;
        bytes += st.size;
        found.push(...(await inProcessExecutor(built.engine).run({ kind: 'file', abs, path: toSlash(normalize(target)) })));
        continue;
      }
      const list = (
        await listTreeFiles(abs, {
          ...(options.noGit === true ? { noGit: true } : {}),
          ...(options.noIgnore === true ? { noIgnore: true } : {}),
        })
      )
        .map((f) => ({ abs: f.abs, path: shown(f.path) }))
        .filter((f) => !isPathIgnored(ignore, f.path));
      for (const f of list) treeFiles.push(f);
    }
    // one executor for all directories: several small ones together still earn the workers
    const exec = executorFor(treeFiles.length >= POOL_MIN_FILES);
    const jobs: Promise<Finding[]>[] = [];
    for (const f of treeFiles) {
      files++;
      await exec.capacity();
      jobs.push(exec.run({ kind: 'file', abs: f.abs, path: f.path }));
    }
    for (const r of await Promise.all(jobs)) found.push(...r);
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }

  let findings = dedupeFindings(found).sort(compareFindings);
  const before = findings.length;
  findings = findings.filter((f) => !isFindingIgnored(ignore, f));
  const ignored = before - findings.length;
  let baselined = 0;
  if (options.baselineWrite !== undefined) {
    await writeBaseline(resolve(cwd, options.baselineWrite), findings);
    return { findings: [], baselined: findings.length, ignored, bytes, files };
  }
  if (options.baseline !== undefined) {
    const base = await readBaseline(resolve(cwd, options.baseline));
    const kept = findings.filter((f) => !base.has(f.fingerprint));
    baselined = findings.length - kept.length;
    findings = kept;
  }
  return { findings, baselined, ignored, bytes, files };
}

function toSlash(p: string): string {
  return sep === '/' ? p : p.split(sep).join('/');
}
