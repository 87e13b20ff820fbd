/**
 * @module An Aho-Corasick automaton over bytes, compiled to a dense transition table (a DFA) so
 * that scanning costs one table lookup per byte. Bytes that occur in no pattern share one column
 * (class 0, which always leads back to the root), which keeps the table small.
 *
 * States are renumbered so that every state at which some pattern ends (directly or through a
 * suffix) has a number at or above {@link ByteAutomaton.acceptFrom}: the scanning loop needs a
 * single comparison to know whether anything matched. Transition targets are stored pre-shifted
 * (`state << shift`) so the loop never multiplies.
 */

export interface ByteAutomaton {
  /** `delta[row + byteClass[b]]` is the next row; rows are `state << shift`. */
  readonly delta: Int32Array;
  /** Column of each byte value. */
  readonly byteClass: Uint16Array;
  readonly shift: number;
  /** Rows at or above this have a match ending at them. */
  readonly acceptFrom: number;
  /** Per state: length of the longest suffix of the input that is a prefix of some pattern. */
  readonly depth: Int32Array;
  /** Per state: length of the longest pattern ending here (0 when none). */
  readonly longestMatch: Int32Array;
  /** Number of states (root included). */
  readonly states: number;
}

/** Compiles `patterns` (non-empty byte strings) into a scanning automaton. */
export function compileByteAutomaton(patterns: readonly Uint8Array[]): ByteAutomaton {
  // 1. The trie.
  const children: Map<number, number>[] = [new Map()];
  const depth: number[] = [0];
  const own: number[] = [0];
  const used = new Uint8Array(256);
  for (const p of patterns) {
    if (p.length === 0) throw new Error('empty pattern');
    let s = 0;
    for (const b of p) {
      used[b] = 1;
      let next = children[s]!.get(b);
      if (next === undefined) {
        next = children.length;
        children.push(new Map());
        depth.push(depth[s]! + 1);
        own.push(0);
        children[s]!.set(b, next);
      }
      s = next;
    }
    own[s] = p.length;
  }
  const n = children.length;

  // 2. Byte classes: one column per byte that occurs in a pattern, column 0 for the rest.
  const byteClass = new Uint16Array(256);
  let classes = 1;
  for (let b = 0; b < 256; b++) if (used[b]) byteClass[b] = classes++;
  let shift = 0;
  while (1 << shift < classes) shift++;
  const stride = 1 << shift;

  // 3. Failure links and the dense table, breadth first (a state's failure target is shallower,
  //    so its row is complete before it is copied).
  const fail = new Int32Array(n);
  const longest = new Int32Array(n);
  const table = new Int32Array(n * stride); // plain state numbers for now
  const order: number[] = [0];
  for (const [b, v] of children[0]!) table[byteClass[b]!] = v;
  for (let qi = 0; qi < order.length; qi++) {
    const u = order[qi]!;
    for (const [b, v] of children[u]!) {
      if (u !== 0) {
        const f = table[fail[u]! * stride + byteClass[b]!]!;
        fail[v] = f;
        table.copyWithin(v * stride, f * stride, f * stride + stride);
      } else {
        fail[v] = 0;
        table.copyWithin(v * stride, 0, stride);
      }
      longest[v] = own[v]! > 0 ? own[v]! : longest[fail[v]!]!;
      for (const [b2, w] of children[v]!) table[v * stride + byteClass[b2]!] = w;
      order.push(v);
    }
  }
  // Column 0 (bytes in no pattern) always returns to the root: already 0 everywhere.

  // 4. Renumber: states without a match first (root stays 0), then accepting states.
  const renum = new Int32Array(n);
  let next = 0;
  for (const s of order) if (longest[s] === 0) renum[s] = next++;
  const firstAccepting = next;
  for (const s of order) if (longest[s] !== 0) renum[s] = next++;
  const delta = new Int32Array(n * stride);
  const depthOut = new Int32Array(n);
  const longestOut = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    const row = renum[s]! << shift;
    const src = s * stride;
    for (let c = 0; c < classes; c++) delta[row + c] = renum[table[src + c]!]! << shift;
    depthOut[renum[s]!] = depth[s]!;
    longestOut[renum[s]!] = longest[s]!;
  }
  return {
    delta,
    byteClass,
    shift,
    acceptFrom: firstAccepting << shift,
    depth: depthOut,
    longestMatch: longestOut,
    states: n,
  };
}
