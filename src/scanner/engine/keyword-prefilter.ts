/**
 * @module The keyword prefilter: every rule's keywords compiled into one Aho-Corasick automaton
 * over case-folded ASCII, run once over a text. It returns, for each rule, the positions where
 * one of its keywords occurs, so the engine runs a rule's (slower) regex only on windows around
 * those positions, and not at all on texts without its keywords. Rules without keywords always
 * run on the whole text.
 *
 * Correctness: Aho-Corasick reports every occurrence of every keyword, overlapping ones
 * included; keywords are matched case-insensitively (ASCII folding). A non-ASCII keyword
 * character never matches (rule keywords are ASCII literals).
 */

export interface Selection<R> {
  readonly rule: R;
  /** Offsets where one of the rule's keywords starts; null = run on the whole text. */
  readonly hits: readonly number[] | null;
}

const ALPHABET = 128; // must stay 128: states are stored pre-multiplied and recovered with `>> 7`
/** Shortest encoded run worth decoding (base64 of 15 bytes). */
export const MIN_RUN = 20;
/** 1 = base64 alphabet (standard or URL-safe), 2 = also a hex digit, 0 = neither. */
const RUN_CLASS = new Uint8Array(ALPHABET);
for (let c = 0; c < ALPHABET; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9+/_-]/.test(ch)) RUN_CLASS[c] = /[0-9A-Fa-f]/.test(ch) ? 2 : 1;
}
/** Stop recording hits for a keyword after this many; its rules then run on the whole text. */
const MAX_HITS = 4096;

export class KeywordPrefilter<R extends { readonly keywords: readonly string[] }> {
  readonly #rules: readonly R[];
  /** Rules indexes per keyword id. */
  readonly #rulesOf: readonly (readonly number[])[];
  readonly #keywordLength: readonly number[];
  readonly #goto: Int32Array;
  /** Keyword ids ending at each state (own and via failure links); empty for most states. */
  readonly #out: readonly (readonly number[])[];
  readonly #always: readonly number[];
  /** 1 where `#out` is non-empty: the hot loop reads a byte instead of an array. */
  readonly #hasOut: Uint8Array;

  constructor(rules: readonly R[]) {
    this.#rules = rules;
    const ids = new Map<string, number>();
    const rulesOf: number[][] = [];
    const always: number[] = [];
    rules.forEach((rule, i) => {
      const kws = rule.keywords.map((k) => k.toLowerCase()).filter((k) => k.length > 0 && /^[\x20-\x7e]+$/.test(k));
      if (kws.length === 0) always.push(i);
      for (const k of kws) {
        let id = ids.get(k);
        if (id === undefined) {
          id = rulesOf.length;
          ids.set(k, id);
          rulesOf.push([]);
        }
        if (!rulesOf[id]!.includes(i)) rulesOf[id]!.push(i);
      }
    });
    this.#rulesOf = rulesOf;
    this.#always = always;
    this.#keywordLength = [...ids.keys()].map((k) => k.length);

    // trie in a growable flat table (-1 = no edge), then failure links folded in breadth first
    let cap = 256;
    let table = new Int32Array(cap * ALPHABET).fill(-1);
    let n = 1;
    const outs: number[][] = [[]];
    for (const [k, id] of ids) {
      let st = 0;
      for (let i = 0; i < k.length; i++) {
        const c = k.charCodeAt(i);
        let t = table[st * ALPHABET + c]!;
        if (t === -1) {
          if (n === cap) {
            const bigger = new Int32Array(cap * 2 * ALPHABET).fill(-1);
            bigger.set(table);
            table = bigger;
            cap *= 2;
          }
          t = n++;
          table[st * ALPHABET + c] = t;
          outs.push([]);
        }
        st = t;
      }
      outs[st]!.push(id);
    }
    table = table.slice(0, n * ALPHABET);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let c = 0; c < ALPHABET; c++) {
      const t = table[c]!;
      if (t === -1) table[c] = 0;
      else queue.push(t);
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const st = queue[qi]!;
      const f = fail[st]!;
      if (outs[f]!.length > 0) outs[st] = [...outs[st]!, ...outs[f]!];
      const row = st * ALPHABET;
      const frow = f * ALPHABET;
      for (let c = 0; c < ALPHABET; c++) {
        const t = table[row + c]!;
        if (t !== -1) {
          fail[t] = table[frow + c]!;
          queue.push(t);
        } else table[row + c] = table[frow + c]!;
      }
    }
    for (let i = 0; i < table.length; i++) table[i] = table[i]! * ALPHABET;
    /** Entries are pre-multiplied by ALPHABET: the hot loop does `s = table[s + c]`. */
    this.#goto = table;
    this.#out = outs;
    this.#hasOut = Uint8Array.from(outs, (o) => (o.length > 0 ? 1 : 0));
  }

  /**
   * The rules that may match somewhere in `text`, in their original order, with keyword positions.
   * When `runs` is given, the same pass also collects candidate encoded runs for the decoders:
   * `[start, end, allHex]` triples of base64-alphabet runs at least {@link MIN_RUN} long.
   */
  select(text: string, runs?: number[]): Selection<R>[] {
    const table = this.#goto;
    const out = this.#out;
    const live = this.#hasOut.slice();
    const kwLength = this.#keywordLength;
    const positions: (number[] | null | undefined)[] = [];
    for (let i = 0; i < kwLength.length; i++) positions.push(undefined);
    let s = 0;
    const len = text.length;
    const collect = runs !== undefined;
    let runStart = -1;
    let allHex = 1;
    for (let i = 0; i < len; i++) {
      let c = text.charCodeAt(i);
      if (c >= ALPHABET) {
        s = 0;
        if (runStart !== -1) {
          if (collect && i - runStart >= MIN_RUN) runs.push(runStart, i, allHex);
          runStart = -1;
        }
        continue;
      }
      if (collect) {
        const k = RUN_CLASS[c]!;
        if (k !== 0) {
          if (runStart === -1) {
            runStart = i;
            allHex = 1;
          }
          if (k === 1) allHex = 0;
        } else if (runStart !== -1) {
          if (i - runStart >= MIN_RUN) runs.push(runStart, i, allHex);
          runStart = -1;
        }
      }
      if (c >= 65 && c <= 90) c |= 32;
      s = table[s + c]!;
      if (live[s >> 7] === 0) continue;
      const o = out[s >> 7]!;
      let saturated = true;
      for (let j = 0; j < o.length; j++) {
        const id = o[j]!;
        const p = positions[id];
        const start = i - kwLength[id]! + 1;
        if (p === undefined) {
          positions[id] = [start];
          saturated = false;
        } else if (p !== null) {
          if (p.length >= MAX_HITS) positions[id] = null;
          else {
            p.push(start);
            saturated = false;
          }
        }
      }
      // every keyword ending here already means "whole text": stop looking at this state
      if (saturated) live[s >> 7] = 0;
    }
    if (collect && runStart !== -1 && len - runStart >= MIN_RUN) runs.push(runStart, len, allHex);
    const hitsOf = new Map<number, number[] | null>();
    positions.forEach((p, id) => {
      if (p === undefined) return;
      for (const r of this.#rulesOf[id]!) {
        const prev = hitsOf.get(r);
        if (p === null || prev === null) hitsOf.set(r, null);
        else hitsOf.set(r, prev === undefined ? [...p] : [...prev, ...p]);
      }
    });
    for (const r of this.#always) hitsOf.set(r, null);
    return [...hitsOf.keys()]
      .sort((a, b) => a - b)
      .map((r) => {
        const h = hitsOf.get(r) ?? null;
        return { rule: this.#rules[r]!, hits: h === null ? null : h.sort((a, b) => a - b) };
      });
  }
}
