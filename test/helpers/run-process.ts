/**
 * @module Runs a command to completion for CLI tests and collects what it printed: the spawn,
 * collect and wait steps every CLI test file needs, in one place.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to stdin, which is then closed; without it stdin is not connected at all. */
  readonly input?: string;
}

/** Collects a child's piped stdout and stderr (as UTF-8) until it closes. */
export function collectOutput(child: ChildProcess): Promise<ProcessResult> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs `file args` and resolves with its exit code and output once it has closed. */
export function runProcess(file: string, args: readonly string[], opts: RunOptions): Promise<ProcessResult> {
  const child = spawn(file, args, {
    env: opts.env,
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  const result = collectOutput(child);
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  return result;
}
