/**
 * @module Full history: every blob reachable from any ref, scanned once however many commits
 * contain it and attributed to the first commit that introduced it (`git log --all --reverse
 * --topo-order --raw`, merges diffed against their first parent so conflict resolutions count).
 * Blobs are read through one `git cat-file --batch` and scanned by an executor (worker pool) with
 * a bounded number in flight. Clean blobs are remembered in `<git-dir>/hush-scan-cache/` keyed
 * by rule-set version; a later scan skips them and re-scans only blobs that had findings, so
 * findings are still reported while no secret is ever written to the cache.
 */
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommitInfo, Finding } from '../engine/finding.js';
import type { ScanExecutor } from '../engine/scan-job.js';
import { COMMIT_FORMAT, parseCommitHeader } from './diff-source.js';
import { CatFileBatch, gitDir, gitRecords } from './git-process.js';
import { badRequest } from '../../lib/errors.js';

export interface HistoryOptions {
  readonly cwd: string;
  readonly executor: ScanExecutor;
  /** Rule-set version; keys the cache. */
  readonly version: string;
  /** Use and update the incremental cache (default true). */
  readonly cache?: boolean;
  /** Restrict to commits of a revision range instead of `--all` (e.g. `main..HEAD`). */
  readonly range?: string;
  /** Paths to skip (already matched against `.hushignore`). */
  readonly skipPath?: (path: string) => boolean;
  readonly onProgress?: (p: HistoryProgress) => void;
  /** Reads + scans in flight; default 64. */
  readonly inFlight?: number;
}

export interface HistoryProgress {
  readonly commits: number;
  readonly blobs: number;
  readonly scanned: number;
  readonly cached: number;
  readonly bytes: number;
  readonly done: boolean;
}

export interface HistoryResult {
  readonly findings: Finding[];
  readonly progress: HistoryProgress;
}

export async function scanHistory(options: HistoryOptions): Promise<HistoryResult> {
  const dir = await gitDir(options.cwd);
  if (dir === null) throw badRequest('--history needs a git repository');
  const useCache = options.cache !== false;
  const cacheFile = join(dir, 'hush-scan-cache', `clean-${options.version}.txt`);
  const clean = useCache ? await loadClean(cacheFile) : new Set<string>();
  const newlyClean: string[] = [];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  const cat = new CatFileBatch(options.cwd);
  const limit = options.inFlight ?? 64;
  let active = 0;
  let wake: (() => void) | null = null;
  let failure: unknown = null;
  const p = { commits: 0, blobs: 0, scanned: 0, cached: 0, bytes: 0 };
  const report = (done: boolean) => options.onProgress?.({ ...p, done });

  const scanBlob = async (oid: string, path: string, commit: CommitInfo): Promise<void> => {
    const data = await cat.read(oid);
    if (data === null) return;
    p.bytes += data.length;
    await options.executor.capacity();
    const found = await options.executor.run({ kind: 'bytes', data, path, commit: commit.commit });
    p.scanned++;
    if (found.length === 0) newlyClean.push(oid);
    for (const f of found) findings.push({ ...f, ...commit });
  };

  let commit: CommitInfo | null = null;
  let pendingRaw: string | null = null;
  const args = [
    'log', options.range ?? '--all', '--reverse', '--topo-order', '--raw', '--no-abbrev', '--no-renames',
    '--diff-merges=first-parent', '-z', `--format=${COMMIT_FORMAT}`,
  ];
  try {
    for await (const rec0 of gitRecords(args, options.cwd, 0)) {
      const rec = rec0.startsWith('\n') ? rec0.slice(1) : rec0;
      if (pendingRaw !== null) {
        const raw = pendingRaw;
        pendingRaw = null;
        const parts = raw.slice(1).split(' ');
        const mode = parts[1] ?? '';
        const oid = parts[3] ?? '';
        const status = parts[4] ?? '';
        if (commit === null || status.startsWith('D') || !/^10|^12/.test(mode) || /^0+$/.test(oid) || seen.has(oid)) continue;
        seen.add(oid);
        p.blobs++;
        if (options.skipPath?.(rec) === true) continue;
        if (clean.has(oid)) {
          p.cached++;
          continue;
        }
        if (failure !== null) break;
        while (active >= limit) await new Promise<void>((r) => (wake = r));
        active++;
        const c = commit;
        void scanBlob(oid, rec, c)
          .catch((err: unknown) => (failure ??= err))
          .finally(() => {
            active--;
            const w = wake;
            wake = null;
            w?.();
          });
        continue;
      }
      if (rec.startsWith('\x01')) {
        commit = parseCommitHeader(rec.slice(1));
        p.commits++;
        if (p.commits % 500 === 0) report(false);
      } else if (rec.startsWith(':')) pendingRaw = rec;
    }
    while (active > 0) await new Promise<void>((r) => (wake = r));
  } finally {
    cat.close();
  }
  if (failure !== null) throw failure;
  if (useCache && newlyClean.length > 0) {
    await mkdir(join(dir, 'hush-scan-cache'), { recursive: true });
    await appendFile(cacheFile, newlyClean.join('\n') + '\n');
  }
  report(true);
  return { findings, progress: { ...p, done: true } };
}

async function loadClean(file: string): Promise<Set<string>> {
  try {
    return new Set((await readFile(file, 'utf8')).split('\n').filter((l) => l.length >= 40));
  } catch {
    return new Set();
  }
}
