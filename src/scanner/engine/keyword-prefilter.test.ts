import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../rules/index.js';
import { CORPUS_DIR } from '../corpus/generate-fixtures.js';
import { loadBuiltinRuleSet } from './rule-set.js';
import { KeywordPrefilter, asciiBytes } from './keyword-prefilter.js';
import { LineBreaks } from './line-breaks.js';
import { ScanEngine } from './scan-engine.js';

/** Deterministic pseudo-random numbers (tests must not depend on Math.random). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1103515245) + 12345) >>> 0;
    return a / 4294967296;
  };
}

/** Texts dense in keywords (in both cases), newlines, base64-ish runs and non-ASCII characters. */
function noisyTexts(count: number, seed: number): string[] {
  const r = prng(seed);
  const pool = [...new Set(rules.flatMap((x) => x.keywords))];
  const pieces = [' ', '\n', 'é€😀', '=', '"', 'QWERTYuiop0123456789+/abcdEFGH', 'deadbeef0123456789abcdef01234567', '%41%42'];
  const out: string[] = [];
  for (let t = 0; t < count; t++) {
    let s = '';
    const n = Math.floor(r() * 4000);
    while (s.length < n) {
      const k = r();
      const kw = pool[Math.floor(r() * pool.length)]!;
      s += k < 0.25 ? kw.toUpperCase() : k < 0.5 ? kw : pieces[Math.floor(r() * pieces.length)]!.slice(0, 1 + Math.floor(r() * 40));
    }
    out.push(s);
  }
  return out;
}

// The three ways to find keywords must agree exactly: the engine picks one by input size.
const ways = {
  indexOf: () => new KeywordPrefilter(rules, { indexOfTextLimit: Number.MAX_SAFE_INTEGER, indexOfBudget: Number.MAX_SAFE_INTEGER }),
  wasm: () => new KeywordPrefilter(rules, { indexOfTextLimit: 0 }),
  javascript: () => new KeywordPrefilter(rules, { indexOfTextLimit: 0, wasm: false }),
};

describe('KeywordPrefilter strategies', () => {
  it('indexOf, the WebAssembly automaton and the JavaScript automaton find the same hits, runs and newlines', () => {
    const filters = Object.values(ways).map((make) => make());
    for (const text of noisyTexts(150, 11)) {
      const results = filters.map((f) => {
        const runs: number[] = [];
        const lines = new LineBreaks(text.length);
        const hits = f.scan(asciiBytes(text), runs, lines);
        const breaks: number[] = [];
        for (let i = lines.from(0); i !== -1; i = lines.from(i + 1)) breaks.push(i);
        return JSON.stringify({ hits, runs, breaks });
      });
      expect(results[1], JSON.stringify(text.slice(0, 80))).toBe(results[0]);
      expect(results[2], JSON.stringify(text.slice(0, 80))).toBe(results[0]);
    }
  });

  it('finds texts longer than one WebAssembly block, hits across the block boundary included', () => {
    const text = `${'x'.repeat(65536 - 3)}GHP_ and ${'y\n'.repeat(70000)}ghp_`;
    const [a, b] = [ways.indexOf(), ways.wasm()].map((f) => f.select(text));
    expect(b).toEqual(a);
    expect(a?.find((s) => s.rule.keywords.includes('ghp_'))?.hits).toEqual([65533, text.length - 4]);
  });

  it('keeps offsets of non-ASCII text (one byte per UTF-16 unit)', () => {
    const text = 'ä€😀 ghp_ ü';
    expect(asciiBytes(text)).toHaveLength(text.length);
    // U+1280A is the surrogate pair D80A DC0A: its low bytes must not read as newlines
    expect([...asciiBytes('a\u{1280A}b')]).toEqual([0x61, 0x80, 0x80, 0x62]);
    expect(ways.wasm().select(text).find((s) => s.rule.keywords.includes('ghp_'))?.hits).toEqual([text.indexOf('ghp_')]);
  });
});

describe('ScanEngine with each keyword strategy', () => {
  it('reports the same findings on the labelled corpus', async () => {
    const builtin = await loadBuiltinRuleSet();
    const engines = [{ indexOfTextLimit: Number.MAX_SAFE_INTEGER, indexOfBudget: Number.MAX_SAFE_INTEGER }, { indexOfTextLimit: 0 }, { indexOfTextLimit: 0, wasm: false }].map(
      (prefilter) => new ScanEngine({ rules: builtin.rules, ...(builtin.isFalsePositive ? { isFalsePositive: builtin.isFalsePositive } : {}), prefilter }),
    );
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(dir, e.name));
        else files.push(join(dir, e.name));
      }
    };
    walk(CORPUS_DIR);
    let findings = 0;
    for (const file of files) {
      const data = readFileSync(file);
      const [a, b, c] = engines.map((e) => JSON.stringify(e.scanBuffer(data, { path: file })));
      expect(b, file).toBe(a);
      expect(c, file).toBe(a);
      findings += (JSON.parse(a!) as unknown[]).length;
    }
    expect(findings).toBeGreaterThan(500);
  });
});

describe('LineBreaks', () => {
  it('answers like String#lastIndexOf / #indexOf for "\\n", in any order of lookups', () => {
    const r = prng(5);
    for (let t = 0; t < 300; t++) {
      let s = '';
      const n = Math.floor(r() * 200);
      for (let i = 0; i < n; i++) s += r() < 0.2 ? '\n' : 'a';
      const lines = new LineBreaks(s.length);
      for (let i = 0; i < s.length; i++) if (s[i] === '\n') lines.push(i);
      for (let q = 0; q < 100; q++) {
        const i = Math.floor(r() * (n + 10)) - 5;
        expect(lines.before(i)).toBe(s.lastIndexOf('\n', i));
        expect(lines.from(i)).toBe(s.indexOf('\n', i));
      }
    }
  });
});
