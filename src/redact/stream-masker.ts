/**
 * @module The streaming masker of `hush run`: replaces every occurrence of a secret (and of its
 * encoded forms, see `secret-patterns.ts`) by `*****` in a byte stream, whatever the chunking.
 *
 * Guarantees, for any split of the input into chunks:
 * - the concatenated output is the same as for the whole input at once: every byte covered by
 *   some occurrence is hidden, and each maximal run of overlapping or touching occurrences
 *   becomes one `*****` (so the longest secret wins when one is a prefix of another);
 * - no timer: after each chunk, everything is emitted except the longest suffix that could
 *   still grow into a secret (the automaton's depth), plus, so that UTF-8 is never cut, the
 *   start of a multibyte character whose end has not arrived yet;
 * - bytes are bytes: binary output passes through unchanged where no pattern occurs.
 *
 * Returned buffers may share memory with the chunks passed in.
 */
import { compileByteAutomaton } from './byte-automaton.js';
import type { ByteAutomaton } from './byte-automaton.js';
import { secretPatterns } from './secret-patterns.js';
import { compileSkipFilter } from './skip-filter.js';
import type { SkipFilter } from './skip-filter.js';

/** What replaces a secret in the output. */
export const MASK_TEXT = '*****';
const MASK = Buffer.from(MASK_TEXT);
const EMPTY = Buffer.alloc(0);

/** A pure, incremental masker: feed chunks, get back what may be shown now. */
export interface Masker {
  /** Scans `chunk` and returns every byte that can be released now (masked). */
  push(chunk: Uint8Array): Buffer;
  /** Like {@link Masker.push}, as pieces to write in order (saves a copy; for streams). */
  pushParts(chunk: Uint8Array): Buffer[];
  /** End of stream: releases everything still held. The masker can then be reused. */
  flush(): Buffer;
}

/** The compiled form of a set of secrets; compile once, share between maskers (stdout, stderr). */
export interface MaskSet {
  readonly patternCount: number;
  /** @internal */
  readonly compiled: CompiledPatterns | undefined;
}

interface CompiledPatterns {
  readonly automaton: ByteAutomaton;
  readonly filter: SkipFilter;
  readonly maxLength: number;
}

/** Compiles the patterns of `secrets` (values shorter than 4 characters are ignored). */
export function compileMaskSet(secrets: Iterable<string>): MaskSet {
  const patterns = secretPatterns(secrets);
  if (patterns.length === 0) return { patternCount: 0, compiled: undefined };
  let maxLength = 0;
  for (const p of patterns) maxLength = Math.max(maxLength, p.length);
  return {
    patternCount: patterns.length,
    compiled: { automaton: compileByteAutomaton(patterns), filter: compileSkipFilter(patterns), maxLength },
  };
}

/**
 * A {@link MaskSet} compiled on first use. `hush run` hands it to the child's output streams,
 * which use it at the first byte of output: a command that prints nothing never pays for the
 * compilation (milliseconds per secret), and one that does has been starting meanwhile.
 */
export function lazyMaskSet(secrets: Iterable<string>): MaskSet {
  const values = [...secrets];
  let set: MaskSet | undefined;
  const get = (): MaskSet => (set ??= compileMaskSet(values));
  return {
    get patternCount() {
      return get().patternCount;
    },
    get compiled() {
      return get().compiled;
    },
  };
}

/** Number of states of the compiled automaton (for benchmarks). */
export function maskSetStates(set: MaskSet): number {
  return set.compiled?.automaton.states ?? 0;
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function joined(parts: Buffer[]): Buffer {
  if (parts.length === 0) return EMPTY;
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

/**
 * How many bytes before a cut belong to a UTF-8 sequence the cut leaves incomplete (0 when the
 * cut is between characters). `last(k)` is the k-th byte before the cut.
 */
function openSequenceLength(last: (k: number) => number, available: number): number {
  for (let k = 1; k <= 3 && k <= available; k++) {
    const b = last(k);
    if ((b & 0xc0) === 0x80) continue;
    if (b >= 0xc0) {
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      if (k < need) return k;
    }
    return 0;
  }
  return 0;
}

class IdentityMasker implements Masker {
  push(chunk: Uint8Array): Buffer {
    return toBuffer(chunk);
  }
  pushParts(chunk: Uint8Array): Buffer[] {
    return chunk.length === 0 ? [] : [toBuffer(chunk)];
  }
  flush(): Buffer {
    return EMPTY;
  }
}

/**
 * Positions are absolute offsets in the stream. Scanning: a filter window starts at `#next`;
 * where the filter says "maybe", a verification run of the automaton starts from its root at
 * that position and goes on until nothing that started at or before it can still match. Each
 * push first scans a small joined buffer (the tail of the stream + the start of the chunk), so
 * that matches across the boundary are seen, then the chunk in place, without copying it.
 */
class AutomatonMasker implements Masker {
  readonly #a: ByteAutomaton;
  readonly #f: SkipFilter;
  readonly #maxLen: number;
  /** Bytes of context kept for scanning across chunk boundaries. */
  readonly #tailLen: number;

  /** Bytes seen so far. */
  #pos = 0;
  /** The last ≤ #tailLen bytes seen. */
  #tail: Buffer = EMPTY;
  /** Everything before this offset has been emitted or swallowed. */
  #cursor = 0;
  /** Bytes [#cursor, #pos), not yet released. */
  #held: Buffer = EMPTY;
  /** End of the masked run whose `*****` is out; matches starting at or before it extend it. */
  #openEnd = -1;
  /** Masked runs found but not yet announced, as flat [start, end, start, end …], sorted. */
  readonly #pending: number[] = [];
  /** Greatest match end reported. */
  #lastEnd = 0;

  /** Start of the next filter window. */
  #next = 0;
  /** Row of the active verification run, or -1. */
  #runRow = -1;
  #runStart = 0;
  #runAt = 0;

  constructor(compiled: CompiledPatterns) {
    this.#a = compiled.automaton;
    this.#f = compiled.filter;
    this.#maxLen = compiled.maxLength;
    this.#tailLen = compiled.maxLength + 4;
  }

  push(chunk: Uint8Array): Buffer {
    return joined(this.pushParts(chunk));
  }

  pushParts(chunk: Uint8Array): Buffer[] {
    if (chunk.length === 0) return [];
    const input = toBuffer(chunk);
    const before = this.#pos;
    const after = before + input.length;
    const tail = this.#tail;
    let last = input;
    if (tail.length > 0) {
      // 1. the boundary: tail + the first bytes of the chunk, joined (small)
      const small = Buffer.concat([tail, input.subarray(0, this.#tailLen)]);
      this.#scan(small, before - tail.length);
      if (input.length < this.#tailLen) last = small;
    }
    // 2. the rest of the chunk, in place (the filter resumes where step 1 stopped)
    if (input.length >= this.#tailLen || tail.length === 0) this.#scan(input, before);
    this.#pos = after;
    this.#tail = Buffer.from(last.subarray(Math.max(0, last.length - this.#tailLen)));
    return this.#release(input, before, after - this.#suffixDepth(last), false);
  }

  flush(): Buffer {
    const out = joined(this.#release(EMPTY, this.#pos, this.#pos, true));
    this.#openEnd = -1;
    this.#pending.length = 0;
    this.#runRow = -1;
    this.#next = this.#pos;
    this.#tail = EMPTY;
    this.#lastEnd = this.#pos;
    return out;
  }

  /** Depth of the automaton after the last bytes of `buf`: how much could still become a match. */
  #suffixDepth(buf: Buffer): number {
    const { delta, byteClass, shift, depth } = this.#a;
    let row = 0;
    for (let i = Math.max(0, buf.length - this.#maxLen); i < buf.length; i++) row = delta[row + byteClass[buf[i]!]!]!;
    return depth[row >> shift]!;
  }

  /** Runs filter and verification over `buf` (stream offsets [base, base + buf.length)). */
  #scan(buf: Buffer, base: number): void {
    const { delta, byteClass, acceptFrom, shift: rowShift, depth } = this.#a;
    const { m, shift, start2 } = this.#f;
    const end = base + buf.length;
    let next = this.#next;
    for (;;) {
      if (this.#runRow >= 0) {
        let row = this.#runRow;
        let p = this.#runAt;
        const s0 = this.#runStart;
        let done = false;
        while (p < end) {
          row = delta[row + byteClass[buf[p - base]!]!]!;
          p++;
          if (row >= acceptFrom && p > this.#lastEnd) this.#onMatch(p, row);
          if (p - depth[row >> rowShift]! > s0) {
            done = true;
            break;
          }
        }
        if (!done) {
          this.#runRow = row;
          this.#runAt = p;
          this.#next = next;
          return;
        }
        this.#runRow = -1;
        next = p - depth[row >> rowShift]!;
      }
      let i = next + m - base;
      const n = buf.length;
      let found = -1;
      while (i <= n) {
        const sh = shift[(buf[i - 3]! << 10) ^ (buf[i - 2]! << 5) ^ buf[i - 1]!]!;
        if (sh !== 0) {
          i += sh;
          continue;
        }
        const s = i - m;
        if (start2[(buf[s]! << 8) | buf[s + 1]!] === 1) {
          found = s;
          break;
        }
        i++;
      }
      if (found < 0) {
        this.#next = i - m + base;
        return;
      }
      next = found + base;
      this.#runRow = 0;
      this.#runStart = next;
      this.#runAt = next;
    }
  }

  #onMatch(end: number, row: number): void {
    this.#lastEnd = end;
    let a = end - this.#a.longestMatch[row >> this.#a.shift]!;
    const b = end;
    const p = this.#pending;
    while (p.length > 0 && p[p.length - 1]! >= a) {
      a = Math.min(a, p[p.length - 2]!);
      p.length -= 2;
    }
    if (a <= this.#openEnd) this.#openEnd = Math.max(this.#openEnd, b);
    else p.push(a, b);
  }

  /**
   * Emits [#cursor, limit): raw bytes, and `*****` for every masked run starting by then.
   * The bytes come from #held ([#cursor, before)) and `input` ([before, …)).
   */
  #release(input: Buffer, before: number, limit: number, final: boolean): Buffer[] {
    const held = this.#held;
    const heldBase = this.#cursor;
    const parts: Buffer[] = [];
    const raw = (from: number, to: number): void => {
      if (from < before) {
        const stop = Math.min(to, before);
        parts.push(held.subarray(from - heldBase, stop - heldBase));
        from = stop;
      }
      if (from < to) parts.push(input.subarray(from - before, to - before));
    };
    let cursor = Math.max(this.#cursor, this.#openEnd);
    const p = this.#pending;
    let i = 0;
    for (; i < p.length && p[i]! <= limit; i += 2) {
      const a = p[i]!;
      if (a > cursor) raw(cursor, a);
      parts.push(MASK);
      this.#openEnd = p[i + 1]!;
      cursor = Math.max(cursor, this.#openEnd);
    }
    if (i > 0) p.splice(0, i);
    let end = p.length > 0 ? Math.min(limit, p[0]!) : limit;
    if (!final && end > cursor) {
      const at = (k: number): number => (end - k >= before ? input[end - k - before]! : held[end - k - heldBase]!);
      end -= openSequenceLength(at, end - cursor);
    }
    if (end > cursor) {
      raw(cursor, end);
      cursor = end;
    }
    this.#cursor = cursor;
    const after = before + input.length;
    if (cursor >= after) this.#held = EMPTY;
    else if (cursor >= before) this.#held = Buffer.from(input.subarray(cursor - before));
    else this.#held = Buffer.concat([held.subarray(cursor - heldBase), input]);
    return parts;
  }
}

/**
 * A masker for `secrets` (strings; or a set compiled once with {@link compileMaskSet}). With no
 * pattern at all it passes chunks through untouched.
 */
export function createMasker(secrets: Iterable<string> | MaskSet): Masker {
  const set = isMaskSet(secrets) ? secrets : compileMaskSet(secrets);
  return set.compiled ? new AutomatonMasker(set.compiled) : new IdentityMasker();
}

function isMaskSet(value: Iterable<string> | MaskSet): value is MaskSet {
  return typeof value === 'object' && value !== null && 'patternCount' in value;
}
