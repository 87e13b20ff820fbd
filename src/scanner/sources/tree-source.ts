/**
 * @module Lists the files of a working tree: inside a git repository `git ls-files` (tracked
 * plus untracked-not-ignored, so `.gitignore` is respected); with `noIgnore` or outside git, a
 * plain directory walk that skips only `.git`. Paths are relative to the scanned directory.
 */
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { git, gitTopLevel } from './git-process.js';

export interface TreeFile {
  readonly abs: string;
  /** Slash-separated path relative to the scanned directory. */
  readonly path: string;
}

export interface TreeOptions {
  /** Walk every file except `.git`, ignoring `.gitignore`. */
  readonly noIgnore?: boolean;
  /** Treat the directory as plain files even inside a repository. */
  readonly noGit?: boolean;
}

export async function listTreeFiles(dir: string, options: TreeOptions = {}): Promise<TreeFile[]> {
  if (options.noGit !== true && options.noIgnore !== true && (await gitTopLevel(dir)) !== null) {
    const out = await git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], dir);
    const seen = new Set<string>();
    const files: TreeFile[] = [];
    for (const p of out.toString('utf8').split('\0')) {
      if (p === '' || seen.has(p)) continue;
      seen.add(p);
      files.push({ abs: join(dir, p), path: p });
    }
    return files;
  }
  const files: TreeFile[] = [];
  await walk(dir, dir, files);
  return files;
}

async function walk(root: string, dir: string, out: TreeFile[]): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.name === '.git') continue;
    const abs = join(dir, e.name);
    if (e.isDirectory()) await walk(root, abs, out);
    else if (e.isFile()) out.push({ abs, path: relative(root, abs).split(sep).join('/') });
  }
}
