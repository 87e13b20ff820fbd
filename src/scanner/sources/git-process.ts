/**
 * @module Running git: one-shot commands collected into a buffer, streamed commands read line
 * by line (NUL-separated with `-z`), and a long-running `git cat-file --batch` that answers
 * blob reads in order. Failures become `HushError('bad_request')` with git's first stderr line.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { badRequest } from '../../lib/errors.js';

/** Runs git and resolves with its stdout; rejects with git's first error line. */
export function git(args: readonly string[], cwd: string, input?: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'core.quotepath=off', ...args], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', (e) => reject(badRequest(`cannot run git: ${e.message}`, e)));
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(badRequest(`git ${args[0] ?? ''} failed: ${firstLine(Buffer.concat(err).toString('utf8'))}`));
    });
    child.stdin.end(input);
  });
}

/** Streams git's stdout split on `separator` (`\n` or `\0`); rejects when git fails. */
export async function* gitRecords(args: readonly string[], cwd: string, separator: 0 | 10): AsyncGenerator<string> {
  const child = spawn('git', ['-c', 'core.quotepath=off', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  const err: Buffer[] = [];
  child.stderr.on('data', (d: Buffer) => err.push(d));
  const done = new Promise<number>((resolve, reject) => {
    child.on('error', (e) => reject(badRequest(`cannot run git: ${e.message}`, e)));
    child.on('close', (code) => resolve(code ?? 1));
  });
  let rest = Buffer.alloc(0);
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
    let buf = rest.length === 0 ? chunk : Buffer.concat([rest, chunk]);
    let i = buf.indexOf(separator);
    while (i !== -1) {
      yield buf.toString('utf8', 0, i);
      buf = buf.subarray(i + 1);
      i = buf.indexOf(separator);
    }
    rest = Buffer.from(buf);
  }
  if (rest.length > 0) yield rest.toString('utf8');
  const code = await done;
  if (code !== 0) throw badRequest(`git ${args[0] ?? ''} failed: ${firstLine(Buffer.concat(err).toString('utf8'))}`);
}

function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? 'unknown error').replace(/^(fatal|error):\s*/, '').trim();
}

/** Absolute git dir of the repository containing `cwd`, or null outside a repository. */
export async function gitDir(cwd: string): Promise<string | null> {
  try {
    return (await git(['rev-parse', '--absolute-git-dir'], cwd)).toString('utf8').trim();
  } catch {
    return null;
  }
}

/** Top level of the work tree containing `cwd`, or null. */
export async function gitTopLevel(cwd: string): Promise<string | null> {
  try {
    return (await git(['rev-parse', '--show-toplevel'], cwd)).toString('utf8').trim();
  } catch {
    return null;
  }
}

interface Pending {
  readonly resolve: (b: Buffer | null) => void;
  readonly reject: (e: Error) => void;
}

/**
 * One `git cat-file --batch` process. `read(oid)` may be called many times without waiting;
 * answers come back in request order. Callers bound the number of outstanding reads.
 */
export class CatFileBatch {
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #pending: Pending[] = [];
  #buf = Buffer.alloc(0);
  #parts: Buffer[] = [];
  #partsLength = 0;
  /** Bytes needed before parsing can progress (a body larger than what has arrived). */
  #need = 0;
  #closed = false;

  constructor(cwd: string) {
    this.#child = spawn('git', ['cat-file', '--batch'], { cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child.stdout.on('data', (d: Buffer) => this.#onData(d));
    this.#child.stderr.resume();
    this.#child.on('close', () => {
      this.#closed = true;
      for (const p of this.#pending.splice(0)) p.reject(badRequest('git cat-file exited early'));
    });
    this.#child.on('error', () => undefined);
  }

  /** Contents of the blob, or null when git does not have it. */
  read(oid: string): Promise<Buffer | null> {
    if (this.#closed) return Promise.reject(badRequest('git cat-file is closed'));
    return new Promise((resolve, reject) => {
      this.#pending.push({ resolve, reject });
      this.#child.stdin.write(`${oid}\n`);
    });
  }

  close(): void {
    this.#child.stdin.end();
  }

  #onData(d: Buffer): void {
    this.#parts.push(d);
    this.#partsLength += d.length;
    if (this.#buf.length + this.#partsLength < this.#need) return;
    this.#buf = Buffer.concat([this.#buf, ...this.#parts]);
    this.#parts = [];
    this.#partsLength = 0;
    this.#need = 0;
    for (;;) {
      const nl = this.#buf.indexOf(10);
      if (nl === -1) return;
      const header = this.#buf.toString('utf8', 0, nl);
      const parts = header.split(' ');
      if (parts[1] === 'missing' || parts.length < 3) {
        this.#buf = this.#buf.subarray(nl + 1);
        this.#pending.shift()?.resolve(null);
        continue;
      }
      const size = Number(parts[2]);
      if (this.#buf.length < nl + 1 + size + 1) {
        this.#need = nl + 1 + size + 1;
        return;
      }
      const body = Buffer.from(this.#buf.subarray(nl + 1, nl + 1 + size));
      this.#buf = this.#buf.subarray(nl + 1 + size + 1);
      this.#pending.shift()?.resolve(parts[1] === 'blob' ? body : null);
    }
  }
}
