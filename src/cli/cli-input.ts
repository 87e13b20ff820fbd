/**
 * @module Reading what commands write: vault's `K=V` arguments (`K=@file` reads a file,
 * `K=-` reads stdin), a lone `-` (a JSON object on stdin) or `@file.json`, `-versions=1,2`,
 * and secrets typed at a terminal without echo. Messages never quote a value.
 */
import { readFileSync } from 'node:fs';
import { CliError } from './cli-errors.js';

let stdinText: string | undefined;

/** All of stdin, read once (later calls get the same text). */
export async function readStdin(): Promise<string> {
  if (stdinText !== undefined) return stdinText;
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  stdinText = Buffer.concat(chunks).toString('utf8');
  return stdinText;
}

/** A file's text for a `K=@file` argument; a one-line CLI error when it cannot be read. */
export function readFileArg(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError(`cannot read ${file}: ${code}`, 1);
  }
}

const BASE64_TEXT = /^[A-Za-z0-9+/\s]+={0,2}\s*$/;

/**
 * The public keys named by `-pgp-keys=FILE,FILE…` as the server takes them, like the vault CLI:
 * a file holding a binary key (`gpg --export KEY > key.gpg`) is sent base64-encoded, one holding
 * base64 or an armoured key block as it is. `keybase:NAME` is passed on (the server explains
 * that it does not fetch those).
 */
export function readPgpKeyFiles(list: string | undefined, flag: string): string[] | undefined {
  if (list === undefined || list.trim() === '') return undefined;
  return list.split(',').map((item) => {
    const path = item.trim();
    if (path.startsWith('keybase:')) return path;
    let bytes: Buffer;
    try {
      bytes = readFileSync(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new CliError(`${flag}: cannot read ${path} (${code}): give paths of public key files (gpg --export KEY > key.gpg)`, 1);
    }
    const text = bytes.toString('latin1');
    if (text.trimStart().startsWith('-----BEGIN PGP') || BASE64_TEXT.test(text)) return text.trim();
    return bytes.toString('base64');
  });
}

function parseJsonObject(text: string, from: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${from} is not valid JSON`, 1);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(`${from} must hold a JSON object`, 1);
  return parsed as Record<string, unknown>;
}

/**
 * Turns `K=V …` arguments into an object. `-` alone reads a JSON object from stdin, `@f.json`
 * reads one from a file; `K=@file` / `K=-` take the value from a file / stdin, raw.
 */
export async function parseKeyValues(args: readonly string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [i, arg] of args.entries()) {
    if (arg === '-') {
      Object.assign(out, parseJsonObject(await readStdin(), 'stdin'));
      continue;
    }
    if (arg.startsWith('@') && !arg.includes('=')) {
      Object.assign(out, parseJsonObject(readFileArg(arg.slice(1)), arg.slice(1)));
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new CliError(`argument ${i + 1} is not key=value (the key is missing or there is no "=")`, 1);
    const key = arg.slice(0, eq);
    const raw = arg.slice(eq + 1);
    if (raw === '-') out[key] = await readStdin();
    else if (raw.startsWith('@')) out[key] = readFileArg(raw.slice(1));
    else out[key] = raw;
  }
  return out;
}

/** `1,2,3` → [1, 2, 3]. */
export function parseVersions(text: string | undefined, flag = '-versions'): number[] {
  if (text === undefined || text.trim() === '') throw new CliError(`no versions given: use ${flag}=1,2`, 1);
  return text.split(',').map((v) => {
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n < 0) throw new CliError(`invalid version "${v.trim()}" in ${flag}`, 1);
    return n;
  });
}

/** Collects a repeatable option whose values are kept whole (`--path a --path b`: paths and file
 * names may hold commas). */
export function collectEach(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/** Collects a repeatable option (`-policy=a -policy=b`, also `-policy=a,b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').map((v) => v.trim()).filter(Boolean)];
}

/** Collects repeatable `K=V` options into an object. */
export function collectPairs(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new CliError(`"${value.slice(0, 40)}" is not key=value`, 1);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

/** Parses `true`/`false` given to a flag; a bare flag means true. */
export function parseBool(value: string | boolean | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === true) return true;
  const v = String(value).toLowerCase();
  if (['true', '1', 't', 'yes'].includes(v)) return true;
  if (['false', '0', 'f', 'no'].includes(v)) return false;
  throw new CliError(`invalid boolean for ${flag}: ${value}`, 1);
}

/** Parses an integer flag. */
export function parseIntFlag(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n)) throw new CliError(`invalid number for ${flag}: ${value}`, 1);
  return n;
}

/**
 * A secret typed at the terminal without echo (`hush operator unseal`, `hush login`), or the
 * first line of stdin when it is not a terminal.
 */
export async function promptSecret(prompt: string): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY) return ((await readStdin()).split(/\r?\n/)[0] ?? '').trim();
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value.trim());
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done();
        if (ch === '\u0003') return done(new CliError('interrupted', 1));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** An unseal key share from the argument, from stdin for `-`, or typed without echo when omitted
 * (`hush operator unseal|generate-root|rekey`). */
export async function readUnsealKey(key: string | undefined): Promise<string> {
  let share = key;
  if (share === '-') share = ((await readStdin()).split(/\r?\n/)[0] ?? '').trim();
  if (!share) share = await promptSecret('Unseal Key (will be hidden): ');
  if (!share) throw new CliError('no unseal key given', 1);
  return share;
}
