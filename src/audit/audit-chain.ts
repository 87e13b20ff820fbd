/**
 * @module The hash chain of audit files (beyond Vault; see README.md). Every line is a JSON
 * object (after an optional prefix) whose last two fields are `hush_seq` (1 for the first line
 * of a file, +1 per line) and `hush_chain` (SHA-256 hex of the previous line's bytes without its
 * newline, or of the empty string for the first line).
 */
import type { FileHandle } from 'node:fs/promises';
import { sha256Hex } from '../lib/sha256.js';
import type { AuditLine } from './audit-entry.js';

/** `hush_chain` of the first line of a file: SHA-256 of the empty string. */
export const GENESIS = sha256Hex('');

/** Where the chain of a file stands: the last line's `hush_seq` and the digest of its bytes. */
export interface ChainState {
  readonly seq: number;
  readonly head: string;
}

export const EMPTY_CHAIN: ChainState = { seq: 0, head: GENESIS };

/** The chain fields read back from one line. */
export interface ChainFields {
  readonly seq: number;
  readonly chain: string;
}

/**
 * Adds the chain fields to `line` (a JSON object, possibly after a prefix, without newline) and
 * returns the sealed line and the state after it.
 */
export function sealLine(line: AuditLine, state: ChainState): { line: string; next: ChainState } {
  const { bytes, next } = sealLines([line], state);
  return { line: bytes.toString('utf8', 0, bytes.length - 1), next };
}

/** `"hush_seq":<seq>,"hush_chain":"<head>"}`, after a comma unless the object was empty. */
function chainTail(seq: number, head: string, emptyObject: boolean): string {
  return `${emptyObject ? '' : ','}"hush_seq":${seq},"hush_chain":"${head}"}`;
}

/** Bytes a sealed line's tail can take at most (its digest part is always 64 characters). */
const MAX_TAIL_BYTES = chainTail(Number.MAX_SAFE_INTEGER, GENESIS, false).length;
/** UTF-8 takes at most three bytes per UTF-16 unit (a surrogate pair: four for two). */
const MAX_UTF8_PER_UNIT = 3;
/** The largest scratch buffer a device keeps between batches; a larger batch gets its own. */
const MAX_KEPT_SCRATCH = 1024 * 1024;

/**
 * Room for sealing batches, reused by one writer: the sealed bytes are valid until the next
 * {@link sealLines} with the same scratch, so the writer must be done with them by then (the file
 * device writes them synchronously).
 */
export class SealScratch {
  #buffer = Buffer.allocUnsafe(0);

  /** A buffer of at least `size` bytes. */
  room(size: number): Buffer {
    if (size <= this.#buffer.length) return this.#buffer;
    const fresh = Buffer.allocUnsafe(Math.max(size, 2 * this.#buffer.length, 16 * 1024));
    if (fresh.length <= MAX_KEPT_SCRATCH) this.#buffer = fresh;
    return fresh;
  }
}

/** The last `n` characters of `line` (which may span pieces). */
function lineEnd(line: AuditLine, n: number): string {
  if (typeof line === 'string') return line.slice(-n);
  let end = '';
  // only the characters needed from each piece: a whole piece would be copied to be sliced
  for (let i = line.length - 1; i >= 0 && end.length < n; i--) end = (line[i] as string).slice(end.length - n) + end;
  return end;
}

/**
 * Seals `lines` in order, as {@link sealLine} does each, into the bytes to append: every line
 * followed by a newline. Each line's pieces are encoded to UTF-8 straight into the result (in
 * `scratch` when given, see {@link SealScratch}), and its digest is taken over those bytes (the
 * same as over the string).
 */
export function sealLines(lines: readonly AuditLine[], state: ChainState, scratch?: SealScratch): { bytes: Buffer; next: ChainState } {
  let bound = 0;
  const empty: boolean[] = [];
  for (const line of lines) {
    const end = lineEnd(line, 2);
    if (!end.endsWith('}')) throw new TypeError('an audit line must end with a JSON object');
    empty.push(end === '{}');
    let units = 0;
    if (typeof line === 'string') units = line.length;
    else for (const piece of line) units += piece.length;
    bound += units * MAX_UTF8_PER_UNIT + MAX_TAIL_BYTES + 1;
  }
  const bytes = scratch === undefined ? Buffer.allocUnsafe(bound) : scratch.room(bound);
  let offset = 0;
  let { seq, head } = state;
  for (const [i, line] of lines.entries()) {
    const start = offset;
    if (typeof line === 'string') offset += bytes.write(line, offset, 'utf8');
    else for (const piece of line) offset += bytes.write(piece, offset, 'utf8');
    offset -= 1; // the tail replaces the closing `}`
    seq++;
    offset += bytes.write(chainTail(seq, head, empty[i] === true), offset, 'latin1');
    head = sha256Hex(bytes.subarray(start, offset));
    bytes[offset++] = 0x0a;
  }
  return { bytes: bytes.subarray(0, offset), next: { seq, head } };
}

/**
 * The chain fields of one line (bytes without the newline), or `undefined` when the line is not
 * a JSON object carrying a valid `hush_seq` and `hush_chain`. The JSON starts after `prefix`
 * when the line begins with it, otherwise at the first `{`.
 */
export function parseChainLine(bytes: Uint8Array | string, prefix = ''): ChainFields | undefined {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  const start = prefix !== '' && text.startsWith(prefix) ? prefix.length : text.indexOf('{');
  if (start < 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.slice(start));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const { hush_seq: seq, hush_chain: chain } = parsed as Record<string, unknown>;
  if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 1) return undefined;
  if (typeof chain !== 'string' || !/^[0-9a-f]{64}$/.test(chain)) return undefined;
  return { seq, chain };
}

const TAIL_CHUNK = 64 * 1024;

/**
 * Reads the chain state at the end of an open file, so that appending continues the chain.
 * An empty file starts a new chain. Throws when the file does not end with a complete, valid
 * chain line (a torn write or a foreign file): appending would break the chain silently.
 */
export async function readChainTail(handle: FileHandle, prefix = ''): Promise<ChainState> {
  const { size } = await handle.stat();
  if (size === 0) return EMPTY_CHAIN;
  const last = Buffer.alloc(1);
  await handle.read(last, 0, 1, size - 1);
  if (last[0] !== 0x0a) throw new Error('audit file does not end with a newline (torn write?)');

  // Read backwards until the newline before the last line is found (or the file starts).
  const lineEnd = size - 1;
  let chunks: Buffer[] = [];
  let pos = lineEnd;
  let lineStart = 0;
  while (pos > 0) {
    const len = Math.min(TAIL_CHUNK, pos);
    const buf = Buffer.alloc(len);
    await handle.read(buf, 0, len, pos - len);
    const nl = buf.lastIndexOf(0x0a);
    if (nl >= 0) {
      chunks = [buf.subarray(nl + 1), ...chunks];
      lineStart = pos - len + nl + 1;
      break;
    }
    chunks = [buf, ...chunks];
    pos -= len;
  }
  const bytes = Buffer.concat(chunks);
  if (bytes.length !== lineEnd - lineStart) throw new Error('audit file tail could not be read');
  const fields = parseChainLine(bytes, prefix);
  if (fields === undefined) throw new Error('the last line of the audit file is not a hush chain line');
  return { seq: fields.seq, head: sha256Hex(bytes) };
}
