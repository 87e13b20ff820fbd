/**
 * @module Added lines from git: the staged change (`git diff --cached -U0`, for pre-commit) and
 * the commits of a range (`git log -p -U0 REV..HEAD`, for CI on a push), each hunk with its
 * new-file line number and, for commits, who made it.
 */
import type { CommitInfo } from '../engine/finding.js';
import { DiffParser } from './diff-parser.js';
import type { AddedHunk } from './diff-parser.js';
import { git, gitRecords } from './git-process.js';

export interface CommitHunk extends AddedHunk {
  readonly commit?: CommitInfo;
}

const DIFF_FLAGS = ['-U0', '--no-color', '--no-ext-diff', '--no-renames', '--diff-filter=ACMRT', '--src-prefix=a/', '--dst-prefix=b/'];

/** Added lines of the index compared with HEAD (or with the empty tree before the first commit). */
export async function stagedHunks(cwd: string): Promise<AddedHunk[]> {
  const out = await git(['diff', '--cached', ...DIFF_FLAGS], cwd);
  const hunks: AddedHunk[] = [];
  const parser = new DiffParser((h) => hunks.push(h));
  for (const line of out.toString('utf8').split('\n')) parser.push(line);
  parser.flush();
  return hunks;
}

export const COMMIT_FORMAT = '%x01%H%x1f%an%x1f%ae%x1f%aI%x1f%s';

/** Parses a `COMMIT_FORMAT` header (without the leading \x01). */
export function parseCommitHeader(s: string): CommitInfo {
  const [commit = '', author = '', email = '', date = '', ...rest] = s.split('\x1f');
  return { commit, author, email, date, message: rest.join('\x1f') };
}

/** Added lines of every non-merge commit in `since..HEAD`, oldest first. */
export async function* rangeHunks(cwd: string, since: string): AsyncGenerator<CommitHunk> {
  let commit: CommitInfo | undefined;
  const queue: CommitHunk[] = [];
  const parser = new DiffParser((h) => queue.push(commit === undefined ? h : { ...h, commit }));
  const args = ['log', '--reverse', '--topo-order', '-p', `--format=${COMMIT_FORMAT}`, ...DIFF_FLAGS, `${since}..HEAD`, '--'];
  for await (const line of gitRecords(args, cwd, 10)) {
    if (line.startsWith('\x01')) {
      parser.flush();
      yield* queue.splice(0);
      commit = parseCommitHeader(line.slice(1));
      continue;
    }
    parser.push(line);
    if (queue.length > 0) yield* queue.splice(0);
  }
  parser.flush();
  yield* queue.splice(0);
}
