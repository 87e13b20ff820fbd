/**
 * @module The prefilter's inner loop as a tiny WebAssembly function: one Aho-Corasick step per
 * byte plus the base64-run counter and newline offsets, writing keyword hits, run starts and
 * line breaks to memory for the JavaScript side to interpret. The same loop in JavaScript runs
 * 2-3× slower (V8 keeps re-checking the typed arrays it reads on every iteration).
 *
 * The module is assembled below from its instruction listing (no toolchain, no binary blob). When
 * WebAssembly is unavailable (`node --jitless`) {@link createWasmLoop} returns null and the
 * prefilter runs its JavaScript loop instead.
 *
 * Memory layout (bytes): [0, 1024) per-byte class: column × 4 in the low bits, bit 31 set for
 * base64-alphabet bytes, bit 30 for `\n`; [1024, 1044) results: state, run length, hit count,
 * run-start count, newline count; then the transition table, the input block, hit records
 * ([state, offset] pairs), run starts, newline offsets.
 */

/** Bytes handed to the loop per call; bounds the output buffers. */
export const BLOCK = 64 * 1024;
const CLASSES = 0;
const RESULTS = 1024;
const TABLE_AT = 1088;

/** The part of the WebAssembly JS API used here (the project's type libraries do not declare it). */
interface WasmApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
  readonly Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export interface WasmLoop {
  /** Linear memory; the class table and transition table are written by the caller. */
  readonly memory: { readonly buffer: ArrayBuffer };
  /** Where the caller writes the transition table (entries are byte offsets into it). */
  readonly tableAt: number;
  /**
   * Runs over `bytes` block by block. `onHit(state, offset)` for every byte that ends in a state
   * at or past `firstOut`; `onRun(start)` where a base64-alphabet run reaches `minRun` bytes
   * (only when `minRun` > 0); `onNewlines(offsets, count)` per block with the `\n` offsets.
   */
  run(
    bytes: Uint8Array,
    firstOut: number,
    minRun: number,
    onHit: (state: number, offset: number) => void,
    onRun: (start: number) => void,
    onNewlines: (offsets: Int32Array, count: number) => void,
  ): void;
}

// ---------------------------------------------------------------- assembler

/** The opcodes the loop uses (WebAssembly 1.0 binary encoding). */
const Op = {
  block: 0x02, loop: 0x03, if: 0x04, end: 0x0b, br_if: 0x0d,
  local_get: 0x20, local_set: 0x21, local_tee: 0x22,
  i32_load: 0x28, i32_load8_u: 0x2d, i32_store: 0x36, i32_const: 0x41,
  i32_eqz: 0x45, i32_eq: 0x46, i32_ge_u: 0x4f,
  i32_add: 0x6a, i32_sub: 0x6b, i32_and: 0x71, i32_shl: 0x74, i32_shr_s: 0x75, i32_shr_u: 0x76, i32_lt_u: 0x49,
} as const;
const VOID = 0x40;
const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const name = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
/** Memory access immediates: alignment (log2) and offset. */
const mem = (align: number, offset = 0): number[] => [...uleb(align), ...uleb(offset)];

const get = (l: number): number[] => [Op.local_get, l];
const set = (l: number): number[] => [Op.local_set, l];
const c = (n: number): number[] => [Op.i32_const, ...sleb(n)];
/** Stores `value` (instructions) in the results slot `slot`. */
const result = (slot: number, value: number[]): number[] => [...c(0), ...value, Op.i32_store, ...mem(2, RESULTS + slot * 4)];

/** The locals the loop body works with. */
interface Stream {
  /** Instructions giving the offset (in the block) of the byte this step reads. */
  readonly pos: number[];
  readonly s: number;
  readonly run: number;
  readonly e: number;
  readonly out: number;
  readonly runs: number;
  readonly lines: number;
}

/** One byte: class, run counter, newline, automaton step, hit. */
function step(st: Stream, p: { readonly in: number; readonly base: number; readonly table: number; readonly firstOut: number; readonly minRun: number }): number[] {
  const offset = [...get(p.base), ...st.pos, Op.i32_add]; // offset in the whole text
  return [
    // e = classes[in[pos]]
    ...get(p.in), ...st.pos, Op.i32_add, Op.i32_load8_u, ...mem(0), ...c(2), Op.i32_shl, Op.i32_load, ...mem(2, CLASSES), ...set(st.e),
    // run = (run + 1) & (e >> 31); a run start is recorded when it reaches minRun
    ...get(st.run), ...c(1), Op.i32_add, ...get(st.e), ...c(31), Op.i32_shr_s, Op.i32_and, Op.local_tee, st.run,
    ...get(p.minRun), Op.i32_eq,
    Op.if, VOID,
    ...get(st.runs), ...offset, ...get(p.minRun), Op.i32_sub, ...c(1), Op.i32_add, Op.i32_store, ...mem(2),
    ...get(st.runs), ...c(4), Op.i32_add, ...set(st.runs),
    Op.end,
    // newline offsets, for line-aligned windows and line numbers: the offset is always written,
    // the cursor moves on (by 4) only for a newline (bit 30 of e) — no branch to mispredict per line
    ...get(st.lines), ...offset, Op.i32_store, ...mem(2),
    ...get(st.lines), ...get(st.e), ...c(28), Op.i32_shr_u, ...c(4), Op.i32_and, Op.i32_add, ...set(st.lines),
    // s = table[s + column]; a state at or past firstOut ends a keyword
    ...get(p.table), ...get(st.s), Op.i32_add, ...get(st.e), ...c(0x3fffffff), Op.i32_and, Op.i32_add, Op.i32_load, ...mem(2), Op.local_tee, st.s,
    ...get(p.firstOut), Op.i32_ge_u,
    Op.if, VOID,
    ...get(st.out), ...get(st.s), Op.i32_store, ...mem(2),
    ...get(st.out), ...offset, Op.i32_store, ...mem(2, 4),
    ...get(st.out), ...c(8), Op.i32_add, ...set(st.out),
    Op.end,
  ];
}

/**
 * scan(in, len, base, firstOut, table, out, runs, minRun, lines): one stream over the block. The
 * state and run length continue from results slots 0 and 1 and are written back there, with the
 * hit, run-start and newline counts in slots 2-4.
 */
function scanOne(): { params: number; body: number[] } {
  const [IN, LEN, BASE, FIRST_OUT, TABLE, OUT, RUNS, MIN_RUN, LINES] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [I, S, RUN, E, O, R, L] = [9, 10, 11, 12, 13, 14, 15];
  const st: Stream = { pos: get(I), s: S, run: RUN, e: E, out: O, runs: R, lines: L };
  const body = [
    ...c(0), Op.i32_load, ...mem(2, RESULTS), ...set(S),
    ...c(0), Op.i32_load, ...mem(2, RESULTS + 4), ...set(RUN),
    ...get(OUT), ...set(O), ...get(RUNS), ...set(R), ...get(LINES), ...set(L),
    Op.block, VOID,
    ...get(LEN), Op.i32_eqz, Op.br_if, 0,
    Op.loop, VOID,
    ...step(st, { in: IN, base: BASE, table: TABLE, firstOut: FIRST_OUT, minRun: MIN_RUN }),
    ...get(I), ...c(1), Op.i32_add, Op.local_tee, I,
    ...get(LEN), Op.i32_lt_u, Op.br_if, 0,
    Op.end,
    Op.end,
    ...result(0, get(S)),
    ...result(1, get(RUN)),
    ...result(2, [...get(O), ...get(OUT), Op.i32_sub, ...c(3), Op.i32_shr_u]),
    ...result(3, [...get(R), ...get(RUNS), Op.i32_sub, ...c(2), Op.i32_shr_u]),
    ...result(4, [...get(L), ...get(LINES), Op.i32_sub, ...c(2), Op.i32_shr_u]),
    Op.end,
  ];
  return { params: 9, body: [...uleb(1), ...uleb(7), I32, ...body] };
}

function assemble(): Uint8Array {
  const fns = [scanOne()];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(fns.map((f) => [0x60, ...uleb(f.params), ...Array<number>(f.params).fill(I32), 0]))), // types: (i32 × n) → ()
    ...section(2, vec([[...name('e'), ...name('m'), 0x02, 0x00, 0x01]])), // import memory e.m, min 1 page
    ...section(3, vec(fns.map((_, i) => [i]))), // function i has type i
    ...section(7, vec([[...name('scan'), 0x00, 0]])),
    ...section(10, vec(fns.map((f) => [...uleb(f.body.length), ...f.body]))),
  ]);
}

let compiled: object | null | undefined;

function wasmModule(): object | null {
  if (compiled === undefined) {
    try {
      compiled = wasmApi === undefined ? null : new wasmApi.Module(assemble());
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/**
 * A loop instance with room for a `tableBytes`-byte transition table, or null without
 * WebAssembly. `classes[b]`: column × 4 (bit 31 for base64-alphabet bytes, bit 30 for `\n`).
 */
export function createWasmLoop(classes: Int32Array, tableBytes: number): WasmLoop | null {
  const mod = wasmModule();
  if (mod === null || wasmApi === undefined) return null;
  const inputAt = TABLE_AT + tableBytes;
  // hit records (8 bytes per byte at most), run starts, newline offsets (+1 slot written past the last)
  const outAt = inputAt + BLOCK;
  const runsAt = outAt + BLOCK * 8;
  const linesAt = runsAt + BLOCK * 4;
  const bytes = linesAt + BLOCK * 4 + 4;
  const memory = new wasmApi.Memory({ initial: Math.ceil(bytes / 65536) });
  const instance = new wasmApi.Instance(mod, { e: { m: memory } });
  const scan = instance.exports['scan'] as (...args: number[]) => void;
  new Int32Array(memory.buffer, CLASSES, 256).set(classes);
  const u8 = new Uint8Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  const slot = (n: number): number => i32[(RESULTS >> 2) + n]!;
  return {
    memory,
    tableAt: TABLE_AT,
    run(input, firstOut, minRun, onHit, onRun, onNewlines) {
      i32[RESULTS >> 2] = 0;
      i32[(RESULTS >> 2) + 1] = 0;
      for (let base = 0; base < input.length; base += BLOCK) {
        const len = Math.min(BLOCK, input.length - base);
        u8.set(input.subarray(base, base + len), inputAt);
        scan(inputAt, len, base, firstOut, TABLE_AT, outAt, runsAt, minRun > 0 ? minRun : -1, linesAt);
        const [hits, runs, newlines] = [slot(2), slot(3), slot(4)];
        if (newlines > 0) onNewlines(i32.subarray(linesAt >> 2, (linesAt >> 2) + newlines), newlines);
        for (let k = 0; k < runs; k++) onRun(i32[(runsAt >> 2) + k]!);
        for (let k = 0, at = outAt >> 2; k < hits; k++, at += 2) onHit(i32[at]!, i32[at + 1]!);
      }
    },
  };
}
