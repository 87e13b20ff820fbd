/**
 * @module The keyword prefilter: finds where the rules' keywords occur in a text, so the engine
 * runs a rule's (slower) regex only on windows around those positions, and not at all on texts
 * without its keywords. Rules without keywords always run on the whole text. The same pass also
 * collects newline offsets and candidate base64/hex runs for the decoders.
 *
 * Correctness: every occurrence of every keyword is reported, overlapping ones included;
 * keywords are matched case-insensitively (ASCII folding). A non-ASCII keyword character never
 * matches (rule keywords are ASCII literals).
 *
 * Two ways to find them, with identical results:
 * - an Aho-Corasick automaton over bytes (one per UTF-16 unit of the text, non-ASCII ones 0x80,
 *   so offsets are the text's own), run by a WebAssembly loop (`prefilter-wasm.ts`) or, without
 *   WebAssembly, a JavaScript one. Characters no keyword contains share one column and states
 *   that end a keyword are numbered last, so a step is one table load and one comparison;
 * - for the first small texts of a process, `indexOf` per keyword on a lower-cased copy. Building
 *   the automaton costs tens of milliseconds, more than a pre-commit scan of a few hunks takes
 *   this way; it is built once the texts get bigger.
 */
import { isAscii } from 'node:buffer';
import type { LineBreaks } from './line-breaks.js';
import { createWasmLoop } from './prefilter-wasm.js';
import type { WasmLoop } from './prefilter-wasm.js';

/** Hits per rule group: start offsets, null = "run on the whole text", undefined = no keyword seen. */
export type GroupHits = (number[] | null | undefined)[];

export interface Selection<R> {
  readonly rule: R;
  /** Offsets where one of the rule's keywords starts; null = run on the whole text. */
  readonly hits: readonly number[] | null;
}

export interface PrefilterOptions {
  /** Texts up to this long are searched with `indexOf` until {@link indexOfBudget} is spent; default 32 KiB. */
  readonly indexOfTextLimit?: number;
  /** Total characters searched with `indexOf` before the automaton is built; default 256 KiB. */
  readonly indexOfBudget?: number;
  /** Use WebAssembly when available (default true); false runs the JavaScript loop. */
  readonly wasm?: boolean;
}

/** Shortest encoded run worth decoding (base64 of 15 bytes). */
export const MIN_RUN = 20;
/** Stop recording hits for a rule group after this many; its rules then run on the whole text. */
const MAX_HITS = 4096;
const NON_ASCII = 0x80;

/** 1 for the base64 alphabet (standard or URL-safe). */
const RUN_CHAR = new Uint8Array(256);
/** 1 for hex digits. */
const HEX_CHAR = new Uint8Array(256);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) RUN_CHAR[c] = 1;
  if (/[0-9A-Fa-f]/.test(ch)) HEX_CHAR[c] = 1;
}

/**
 * The text as bytes, one per UTF-16 unit: ASCII as is, anything else 0x80. `source` is the
 * buffer the text was decoded from, reused when it is pure ASCII (then it has the same offsets).
 */
export function asciiBytes(text: string, source?: Uint8Array): Uint8Array {
  if (source !== undefined && source.length === text.length && isAscii(source)) return source;
  const b = Buffer.from(text, 'latin1');
  // not `isAscii(b)`: latin1 keeps only the low byte of each unit, and U+0A0A would pass as "\n\n"
  if (Buffer.byteLength(text, 'utf8') === text.length) return b;
  // per UTF-16 unit (no `u` flag): both halves of a surrogate pair are marked
  const nonAscii = /[\u0080-\uffff]/g;
  while (nonAscii.exec(text) !== null) b[nonAscii.lastIndex - 1] = NON_ASCII;
  return b;
}

/** The compiled automaton (see the module comment). */
interface Automaton {
  /** Byte → column (0 = a character no keyword contains). */
  readonly column: Uint8Array;
  /** `state × width + column` → next state × width. */
  readonly go: Int32Array;
  readonly width: number;
  /** First state (× width) that ends a keyword. */
  readonly firstOut: number;
  /** Per output state from `firstOut`: flat [group, keyword length, …], one pair per keyword ending there. */
  readonly out: readonly Int32Array[];
  readonly wasm: WasmLoop | null;
}

export class KeywordPrefilter<R extends { readonly keywords: readonly string[] }> {
  readonly #rules: readonly R[];
  /** Rules with the same keyword set share a group (and its hits and windows). */
  readonly #groupOf: Int32Array;
  readonly #groups: number;
  /** Groups of rules without keywords: always "whole text". */
  readonly #always: readonly number[];
  /** Every keyword (lower-case) with the groups that contain it. */
  readonly #keywords: readonly { readonly text: string; readonly groups: readonly number[] }[];
  readonly #indexOfTextLimit: number;
  #indexOfBudget: number;
  readonly #useWasm: boolean;
  #automaton: Automaton | null = null;

  constructor(rules: readonly R[], options: PrefilterOptions = {}) {
    this.#rules = rules;
    this.#indexOfTextLimit = options.indexOfTextLimit ?? 32 * 1024;
    this.#indexOfBudget = options.indexOfBudget ?? 256 * 1024;
    this.#useWasm = options.wasm !== false;
    const groupIds = new Map<string, number>();
    const groupOf = new Int32Array(rules.length);
    const kwGroups = new Map<string, number[]>();
    const always: number[] = [];
    rules.forEach((rule, i) => {
      const kws = [...new Set(rule.keywords.map((k) => k.toLowerCase()).filter((k) => k.length > 0 && /^[\x20-\x7e]+$/.test(k)))].sort();
      const key = kws.join('\n');
      let g = groupIds.get(key);
      if (g === undefined) {
        g = groupIds.size;
        groupIds.set(key, g);
        if (kws.length === 0) always.push(g);
        for (const k of kws) {
          const list = kwGroups.get(k);
          if (list === undefined) kwGroups.set(k, [g]);
          else list.push(g);
        }
      }
      groupOf[i] = g;
    });
    this.#groupOf = groupOf;
    this.#groups = groupIds.size;
    this.#always = always;
    this.#keywords = [...kwGroups].map(([text, groups]) => ({ text, groups }));
  }

  /** Group index of rule `i` (the index into {@link scan}'s result). */
  groupOf(i: number): number {
    return this.#groupOf[i]!;
  }

  /**
   * One pass over `bytes` (see {@link asciiBytes}): keyword start offsets per rule group, sorted.
   * When `runs` is given, the same pass also collects candidate encoded runs for the decoders:
   * `[start, end, allHex]` triples of base64-alphabet runs at least {@link MIN_RUN} long; when
   * `lines` is given, the offsets of every `\n`.
   */
  scan(bytes: Uint8Array, runs?: number[], lines?: LineBreaks): GroupHits {
    const hits: GroupHits = new Array<undefined>(this.#groups).fill(undefined);
    const unsorted = new Uint8Array(this.#groups);
    const add = (g: number, start: number): void => {
      const h = hits[g];
      if (h === undefined) hits[g] = [start];
      else if (h !== null) {
        if (h.length >= MAX_HITS) hits[g] = null;
        else {
          if (start < h[h.length - 1]!) unsorted[g] = 1;
          h.push(start);
        }
      }
    };
    const starts: number[] = [];
    if (this.#automaton === null && bytes.length <= this.#indexOfTextLimit && this.#indexOfBudget >= bytes.length) {
      this.#indexOfBudget -= bytes.length;
      this.#scanWithIndexOf(bytes, add, runs === undefined ? undefined : starts, lines);
    } else {
      this.#scanWithAutomaton(bytes, add, runs === undefined ? undefined : starts, lines);
    }
    for (const g of this.#always) hits[g] = null;
    for (let g = 0; g < hits.length; g++) {
      const h = hits[g];
      if (unsorted[g] === 1 && h) h.sort((a, b) => a - b);
    }
    if (runs !== undefined) {
      const len = bytes.length;
      for (const start of starts) {
        let end = start;
        let allHex = 1;
        while (end < len && RUN_CHAR[bytes[end]!] === 1) {
          allHex &= HEX_CHAR[bytes[end]!]!;
          end++;
        }
        runs.push(start, end, allHex);
      }
    }
    return hits;
  }

  /**
   * The rules that may match somewhere in `text`, in their original order, with keyword positions
   * (the form tests and tools read; the engine uses {@link scan}).
   */
  select(text: string, runs?: number[]): Selection<R>[] {
    const hits = this.scan(asciiBytes(text), runs);
    const out: Selection<R>[] = [];
    this.#rules.forEach((rule, i) => {
      const h = hits[this.#groupOf[i]!];
      if (h !== undefined) out.push({ rule, hits: h === null ? null : [...new Set(h)] });
    });
    return out;
  }

  #scanWithIndexOf(bytes: Uint8Array, add: (g: number, start: number) => void, starts?: number[], lines?: LineBreaks): void {
    const len = bytes.length;
    let run = 0;
    const minRun = starts === undefined ? -1 : MIN_RUN;
    for (let i = 0; i < len; i++) {
      const b = bytes[i]!;
      run = (run + 1) & -RUN_CHAR[b]!;
      if (run === minRun) starts!.push(i - MIN_RUN + 1);
      if (b === 10) lines?.push(i);
    }
    // non-ASCII bytes are 0x80 here, which lower-casing leaves alone: offsets stay the text's
    const lower = Buffer.from(bytes.buffer, bytes.byteOffset, len).toString('latin1').toLowerCase();
    for (const k of this.#keywords) {
      for (let p = lower.indexOf(k.text); p !== -1; p = lower.indexOf(k.text, p + 1)) {
        for (const g of k.groups) add(g, p);
      }
    }
  }

  #scanWithAutomaton(bytes: Uint8Array, add: (g: number, start: number) => void, starts?: number[], lines?: LineBreaks): void {
    const a = (this.#automaton ??= this.#build());
    const { go, column, firstOut, out, width } = a;
    const record = (s: number, i: number): void => {
      const o = out[(s - firstOut) / width]!;
      for (let j = 0; j < o.length; j += 2) add(o[j]!, i - o[j + 1]! + 1);
    };
    if (a.wasm !== null) {
      a.wasm.run(
        bytes,
        firstOut * 4,
        starts === undefined ? 0 : MIN_RUN,
        (s, i) => record(s >> 2, i),
        (start) => starts!.push(start),
        (offsets, count) => lines?.append(offsets, count),
      );
      return;
    }
    const len = bytes.length;
    let s = 0;
    let run = 0;
    const minRun = starts === undefined ? -1 : MIN_RUN;
    for (let i = 0; i < len; i++) {
      const b = bytes[i]!;
      // length of the current base64-alphabet run, counted without a branch
      run = (run + 1) & -RUN_CHAR[b]!;
      if (run === minRun) starts!.push(i - MIN_RUN + 1);
      if (b === 10) lines?.push(i);
      s = go[s + column[b]!]!;
      if (s >= firstOut) record(s, i);
    }
  }

  /** Compiles the keywords into the automaton (flat typed arrays: this runs before the JIT warms up). */
  #build(): Automaton {
    const keywords = this.#keywords;
    // columns: one per distinct keyword character, upper-case letters folded onto lower-case
    const column = new Uint8Array(256);
    let width = 1;
    for (const { text } of keywords) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (column[c] !== 0) continue;
        column[c] = width;
        if (c >= 97 && c <= 122) column[c - 32] = width;
        width++;
      }
    }

    // trie (-1 = no edge); a state's outputs are [group, keyword length] pairs
    const maxStates = keywords.reduce((n, k) => n + k.text.length, 1);
    const table = new Int32Array(maxStates * width).fill(-1);
    const outs: number[][] = [[]];
    let n = 1;
    for (const { text, groups } of keywords) {
      let st = 0;
      for (let i = 0; i < text.length; i++) {
        const at = st * width + column[text.charCodeAt(i)]!;
        let t = table[at]!;
        if (t === -1) {
          t = n++;
          table[at] = t;
          outs.push([]);
        }
        st = t;
      }
      for (const g of groups) outs[st]!.push(g, text.length);
    }

    // failure links folded in breadth first: a complete transition table (column 0 → root)
    const fail = new Int32Array(n);
    const queue = new Int32Array(n);
    let tail = 0;
    for (let c = 0; c < width; c++) {
      const t = table[c]!;
      if (t <= 0) table[c] = 0;
      else queue[tail++] = t;
    }
    for (let head = 0; head < tail; head++) {
      const st = queue[head]!;
      const f = fail[st]!;
      if (outs[f]!.length > 0) outs[st] = outs[st]!.concat(outs[f]!);
      const row = st * width;
      const frow = f * width;
      for (let c = 0; c < width; c++) {
        const t = table[row + c]!;
        if (t > 0) {
          fail[t] = table[frow + c]!;
          queue[tail++] = t;
        } else table[row + c] = table[frow + c]!;
      }
    }

    // renumber: states that end a keyword last (the root stays 0), entries pre-multiplied
    const renamed = new Int32Array(n);
    let next = 0;
    for (let st = 0; st < n; st++) if (outs[st]!.length === 0) renamed[st] = next++;
    const firstOutState = next;
    const out: Int32Array[] = [];
    for (let st = 0; st < n; st++) {
      if (outs[st]!.length === 0) continue;
      renamed[st] = next++;
      out.push(Int32Array.from(outs[st]!));
    }
    const go = new Int32Array(n * width);
    for (let st = 0; st < n; st++) {
      const from = st * width;
      const to = renamed[st]! * width;
      for (let c = 0; c < width; c++) go[to + c] = renamed[table[from + c]!]! * width;
    }

    // the WebAssembly copy works in bytes: states and columns × 4; bit 31 = base64 byte, bit 30 = newline
    let wasm: WasmLoop | null = null;
    if (this.#useWasm) {
      const classes = new Int32Array(256);
      for (let b = 0; b < 256; b++) classes[b] = (column[b]! * 4) | (RUN_CHAR[b] === 1 ? 1 << 31 : 0) | (b === 10 ? 1 << 30 : 0);
      wasm = createWasmLoop(classes, go.length * 4);
      if (wasm !== null) {
        const dst = new Int32Array(wasm.memory.buffer, wasm.tableAt, go.length);
        for (let i = 0; i < go.length; i++) dst[i] = go[i]! * 4;
      }
    }
    return { column, go, width, firstOut: firstOutState * width, out, wasm };
  }
}
