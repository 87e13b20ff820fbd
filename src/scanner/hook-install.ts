/**
 * @module `hush scan hook install`: writes a git pre-commit hook that runs
 * `hush scan --staged`. An existing hook we did not write is left alone unless `force`.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { HushError, badRequest } from '../lib/errors.js';
import { git } from './sources/git-process.js';

export const HOOK_MARKER = '# hush-scan pre-commit hook';

export const HOOK_SCRIPT = `#!/bin/sh
${HOOK_MARKER} (installed by \`hush scan hook install\`; bypass once with \`git commit --no-verify\`)
if ! command -v hush >/dev/null 2>&1; then
  echo "hush-scan: 'hush' is not on PATH; install it or remove .git/hooks/pre-commit" >&2
  exit 1
fi
exec hush scan --staged
`;

export interface HookInstallResult {
  readonly path: string;
  /** True when an earlier hush hook was replaced. */
  readonly replaced: boolean;
}

export async function installPreCommitHook(cwd: string, force = false): Promise<HookInstallResult> {
  let hooksDir: string;
  try {
    hooksDir = resolve(cwd, (await git(['rev-parse', '--git-path', 'hooks'], cwd)).toString('utf8').trim());
  } catch {
    throw badRequest('hook install needs a git repository');
  }
  const path = resolve(hooksDir, 'pre-commit');
  let existing: string | null = null;
  try {
    existing = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw badRequest(`cannot read ${path}`, err);
  }
  if (existing !== null && !existing.includes(HOOK_MARKER) && !force) {
    throw new HushError('conflict', `${path} exists and was not written by hush; use --force to replace it`);
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, HOOK_SCRIPT);
  await chmod(path, 0o755);
  return { path, replaced: existing !== null };
}
