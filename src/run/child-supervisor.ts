/**
 * @module Starts the command of `hush run` and stays with it until it ends:
 *
 * - spawned directly (no shell), stdin inherited, stdout and stderr each through its own
 *   masker (or inherited untouched with masking off);
 * - SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGUSR2 received by hush are forwarded to the child.
 *   The child stays in hush's process group so that an interactive command keeps the terminal;
 *   a Ctrl-C typed at a terminal therefore reaches it directly, and hush does not forward SIGINT
 *   a second time when its stdin is a terminal;
 * - never orphaned: on Linux the child is started through `setpriv --pdeathsig KILL` (which
 *   execs the command in place: same pid, same argv), so the kernel kills it if hush dies, even
 *   by SIGKILL; everywhere, an `exit` handler kills it if hush exits first (uncaught error);
 * - the exit status passes through: the child's code, or 128 + signal number when a signal
 *   ended it, as a shell reports it; 127 when the command is not found, 126 when it cannot be
 *   executed.
 *
 * Hush waits until both output pipes reach end-of-file, as a shell pipeline `cmd | mask` would.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Writable } from 'node:stream';
import { maskStream } from '../redact/mask-stream.js';
import type { MaskSet } from '../redact/stream-masker.js';

export const FORWARDED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'] as const;

export interface SuperviseOptions {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Secrets to mask in stdout/stderr; `undefined` = no masking (output inherited). */
  readonly mask: MaskSet | undefined;
  /** Synchronous clean-up when the child has ended, and from the process `exit` handler. */
  readonly cleanup?: () => void;
  /** Where messages of hush itself go (default: process.stderr). */
  readonly log?: (line: string) => void;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
}

let setprivPath: string | null | undefined;

/** `setpriv` (util-linux) when this is Linux and it is installed. */
function findSetpriv(): string | null {
  if (setprivPath !== undefined) return setprivPath;
  setprivPath = null;
  if (process.platform === 'linux' && !process.env.HUSH_RUN_NO_PDEATHSIG) {
    for (const p of ['/usr/bin/setpriv', '/bin/setpriv', '/usr/sbin/setpriv']) {
      try {
        accessSync(p, fsConstants.X_OK);
        setprivPath = p;
        break;
      } catch {
        // next
      }
    }
  }
  return setprivPath;
}

type Lookup = { readonly found: true } | { readonly found: false; readonly exitCode: 126 | 127; readonly reason: string };

// Missing files are the common case on a long PATH: `throwIfNoEntry: false` spares building an
// exception (with its stack) for each, which `hush run`'s start-up time notices.
function executable(path: string): boolean {
  try {
    if (statSync(path, { throwIfNoEntry: false })?.isFile() !== true) return false;
    accessSync(path, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Looks the command up like execvp would, with the child's PATH, to report 127/126 clearly. */
export function lookupCommand(command: string, env: Readonly<Record<string, string>>): Lookup {
  if (command.includes('/')) {
    let exists: boolean;
    try {
      exists = statSync(command, { throwIfNoEntry: false }) !== undefined;
    } catch {
      exists = false; // e.g. a path through a file (ENOTDIR)
    }
    if (!exists) return { found: false, exitCode: 127, reason: 'no such file' };
    return executable(command) ? { found: true } : { found: false, exitCode: 126, reason: 'permission denied' };
  }
  let sawFile = false;
  for (const dir of (env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    const candidate = join(dir === '' ? '.' : dir, command);
    if (executable(candidate)) return { found: true };
    try {
      if (statSync(candidate, { throwIfNoEntry: false })?.isFile() === true) sawFile = true;
    } catch {
      // not there (ENOTDIR…)
    }
  }
  return sawFile ? { found: false, exitCode: 126, reason: 'permission denied' } : { found: false, exitCode: 127, reason: 'command not found' };
}

/** The status a shell would report for a child that ended with `code` or `signal`. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const signo = signal ? osConstants.signals[signal] : undefined;
  return signo === undefined ? 1 : 128 + signo;
}

/** Runs the command to completion and resolves with its exit status. */
export async function superviseChild(opts: SuperviseOptions): Promise<number> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const lookup = lookupCommand(opts.command, opts.env);
  if (!lookup.found) {
    opts.cleanup?.();
    log(`hush run: ${opts.command}: ${lookup.reason}`);
    return lookup.exitCode;
  }
  const masking = opts.mask !== undefined;
  const setpriv = findSetpriv();
  const [file, argv] = setpriv
    ? [setpriv, ['--pdeathsig', 'KILL', '--', opts.command, ...opts.args]]
    : [opts.command, [...opts.args]];

  let child: ChildProcess | undefined;
  let ended = false;
  const onExit = (): void => {
    if (child && !ended) child.kill('SIGKILL');
    opts.cleanup?.();
  };
  process.on('exit', onExit);
  const forward = (signal: NodeJS.Signals): void => {
    if (!child || ended) return;
    if (signal === 'SIGINT' && process.stdin.isTTY) return; // the terminal sent it to the child too
    child.kill(signal);
  };
  for (const s of FORWARDED_SIGNALS) process.on(s, forward);

  try {
    child = spawn(file, argv, {
      env: opts.env,
      stdio: ['inherit', masking ? 'pipe' : 'inherit', masking ? 'pipe' : 'inherit'],
      windowsHide: true,
    });
    const outputs: Promise<void>[] = [];
    if (masking && child.stdout && child.stderr) {
      outputs.push(maskStream(child.stdout, () => opts.stdout ?? process.stdout, opts.mask!));
      outputs.push(maskStream(child.stderr, () => opts.stderr ?? process.stderr, opts.mask!));
    }
    const status = await new Promise<number>((resolvePromise) => {
      child!.once('error', (err: NodeJS.ErrnoException) => {
        ended = true;
        log(`hush run: ${opts.command}: ${err.code === 'ENOENT' ? 'command not found' : err.code ?? 'cannot start'}`);
        resolvePromise(err.code === 'ENOENT' ? 127 : 126);
      });
      child!.once('close', (code, signal) => {
        ended = true;
        resolvePromise(exitStatus(code, signal));
      });
    });
    await Promise.all(outputs);
    return status;
  } finally {
    ended = true;
    for (const s of FORWARDED_SIGNALS) process.off(s, forward);
    process.off('exit', onExit);
    opts.cleanup?.();
  }
}
