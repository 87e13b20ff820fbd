/**
 * @module The detection engine: given text (or bytes) and a path, runs the prefiltered rules,
 * checks entropy, `validate()`, allowlists, the false-positive filter and inline `hush:allow`
 * comments, scans decoded base64/hex/percent runs (depth 2), and returns findings with 1-based
 * line and column. Pure computation: no I/O, safe to run inside worker threads.
 *
 * Binary content (a NUL byte in the first 8 KB) is skipped; very large buffers are scanned in
 * line-aligned chunks that overlap, and the overlap's duplicates are removed.
 */
import type { RuleMatchContext } from '../rules/rule.js';
import { findDecodedRuns } from './decoders.js';
import { shannonEntropy } from './entropy.js';
import { dedupeFindings, fingerprintOf, redact } from './finding.js';
import type { Finding } from './finding.js';
import { KeywordPrefilter } from './keyword-prefilter.js';
import { allowlistMatches } from './scan-rule.js';
import type { Allowlist, ScanRule } from './scan-rule.js';

export type FalsePositiveFilter = (secret: string, ctx: RuleMatchContext & { ruleId: string }) => boolean;

export interface ScanEngineOptions {
  readonly rules: readonly ScanRule[];
  readonly isFalsePositive?: FalsePositiveFilter;
  /** Global allowlists (`.gitleaks.toml` `[allowlist]`). */
  readonly allowlists?: readonly Allowlist[];
  /** How many times decoded content is itself decoded; default 2. */
  readonly maxDecodeDepth?: number;
  /** Buffers above this many bytes are scanned in chunks; default 4 MiB. */
  readonly chunkSize?: number;
}

/** What the caller knows about the text being scanned. */
export interface ScanTarget {
  readonly path: string;
  /** Commit the content belongs to, for commit allowlists. */
  readonly commit?: string;
}

interface CompiledRule {
  readonly rule: ScanRule;
  readonly regex: RegExp;
  readonly keywords: readonly string[];
  /** Characters after a keyword hit a match may still reach (multi-line rules reach further). */
  readonly reach: number;
}

/** Characters before a keyword hit a match may start at. */
const REACH_BACK = 1024;
const REACH_LINE = 1024;
const REACH_MULTILINE = 64 * 1024;
/** Windows stop at line boundaries unless a line is longer than this. */
const ALIGN_LIMIT = 4096;

const ALLOW_MARKER = 'hush:allow';
const BINARY_PROBE = 8192;
const CHUNK_OVERLAP = 4096;

export class ScanEngine {
  readonly #prefilter: KeywordPrefilter<CompiledRule>;
  readonly #fp: FalsePositiveFilter | undefined;
  readonly #allowlists: readonly Allowlist[];
  readonly #maxDepth: number;
  readonly #chunkSize: number;

  constructor(options: ScanEngineOptions) {
    const compiled = options.rules.map((rule): CompiledRule => {
      let flags = rule.regex.flags;
      if (!flags.includes('g')) flags += 'g';
      if (!flags.includes('d')) flags += 'd';
      const multiline = flags.includes('s') || /\[\\s\\S\]|\[\\S\\s\]|BEGIN|\\n/.test(rule.regex.source);
      return { rule, regex: new RegExp(rule.regex.source, flags), keywords: rule.keywords, reach: multiline ? REACH_MULTILINE : REACH_LINE };
    });
    this.#prefilter = new KeywordPrefilter(compiled);
    this.#fp = options.isFalsePositive;
    this.#allowlists = options.allowlists ?? [];
    this.#maxDepth = options.maxDecodeDepth ?? 2;
    this.#chunkSize = options.chunkSize ?? 4 * 1024 * 1024;
  }

  /** Scans bytes: skipped when binary, chunked when large. */
  scanBuffer(buf: Uint8Array, target: ScanTarget): Finding[] {
    if (isBinary(buf)) return [];
    const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    if (b.length <= this.#chunkSize) return this.scanText(b.toString('utf8'), target);
    const out: Finding[] = [];
    let start = 0;
    let lineOffset = 0;
    let counted = 0;
    while (start < b.length) {
      let end = Math.min(b.length, start + this.#chunkSize);
      if (end < b.length) {
        const nl = b.indexOf(10, end);
        end = nl === -1 ? b.length : nl + 1;
      }
      lineOffset += countNewlines(b, counted, start);
      counted = start;
      out.push(...this.scanText(b.toString('utf8', start, end), target, lineOffset));
      if (end >= b.length) break;
      let next = b.lastIndexOf(10, end - CHUNK_OVERLAP - 1);
      next = next <= start ? end : next + 1;
      start = next;
    }
    return dedupeFindings(out);
  }

  /** Scans a string; `lineOffset` is added to every reported line (for chunks and hunks). */
  scanText(text: string, target: ScanTarget, lineOffset = 0): Finding[] {
    const lines = new LineIndex(text);
    const found = this.#scan(text, target, 0);
    const out: Finding[] = [];
    for (const f of found) {
      const pos = f.decodedFrom ?? f;
      const { line, column } = lines.locate(pos.index);
      const endPos = lines.locate(pos.index + Math.max(0, pos.length - 1));
      const finding: Finding = {
        ruleId: f.rule.id,
        provider: f.rule.provider,
        description: f.rule.description,
        severity: f.rule.severity,
        file: target.path,
        line: line + lineOffset,
        column,
        ...(endPos.line !== line ? { endLine: endPos.line + lineOffset } : {}),
        secret: f.secret,
        redacted: redact(f.secret),
        fingerprint: fingerprintOf(f.rule.id, f.secret),
        ...(f.encoding !== undefined ? { encoding: f.encoding } : {}),
      };
      out.push(finding);
    }
    return dedupeFindings(out);
  }

  #scan(text: string, target: ScanTarget, depth: number): RawMatch[] {
    const out: RawMatch[] = [];
    const runs: number[] = [];
    for (const { rule: c, hits } of this.#prefilter.select(text, depth < this.#maxDepth ? runs : undefined)) {
      if (c.rule.path !== undefined && !testRe(c.rule.path, target.path)) continue;
      const windows = hits === null ? null : windowsAround(text, hits, c.reach);
      if (windows === null) this.#runRule(c, text, 0, text.length, target, out);
      else for (let i = 0; i < windows.length; i += 2) this.#runRule(c, text, windows[i]!, windows[i + 1]!, target, out);
    }
    if (depth < this.#maxDepth) {
      const direct = out.slice();
      for (const run of findDecodedRuns(text, runs)) {
        // An encoded value a rule already reported as it stands is not reported again decoded.
        if (direct.some((m) => m.index < run.index + run.length && run.index < m.index + m.length)) continue;
        const inner0 = this.#scan(run.text, target, depth + 1);
        if (inner0.length === 0 || lineAt(text, run.index).includes(ALLOW_MARKER)) continue;
        for (const inner of inner0) {
          out.push({
            ...inner,
            encoding: inner.encoding === undefined ? run.encoding : `${run.encoding}+${inner.encoding}`,
            decodedFrom: { index: run.index, length: run.length },
          });
        }
      }
    }
    return suppressGenericOverlaps(out);
  }

  /** Runs one rule on `text[from, to)`; indexes in matches are made absolute. */
  #runRule(c: CompiledRule, text: string, from: number, to: number, target: ScanTarget, out: RawMatch[]): void {
    const re = c.regex;
    const slice = from === 0 && to === text.length ? text : text.slice(from, to);
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(slice)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      const pick = pickSecret(m, c.rule.secretGroup);
      if (pick === null) continue;
      const { secret } = pick;
      const index = pick.index + from;
      const lineText = lineAt(text, index);
      if (lineText.includes(ALLOW_MARKER)) continue;
      const rule = c.rule;
      if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
      const ctx: RuleMatchContext = { line: lineText, path: target.path };
      if (rule.validate !== undefined && !rule.validate(secret, ctx)) continue;
      const al = { secret, match: m[0], line: lineText, path: target.path, ...(target.commit !== undefined ? { commit: target.commit } : {}) };
      if (rule.allowlists?.some((a) => allowlistMatches(a, al))) continue;
      if (this.#allowlists.some((a) => allowlistMatches(a, al))) continue;
      if (this.#fp !== undefined && this.#fp(secret, { ...ctx, ruleId: rule.id })) continue;
      out.push({ rule, secret, index, length: secret.length });
    }
    re.lastIndex = 0;
  }
}

interface RawMatch {
  readonly rule: ScanRule;
  readonly secret: string;
  readonly index: number;
  readonly length: number;
  readonly encoding?: string;
  readonly decodedFrom?: { readonly index: number; readonly length: number };
}

function pickSecret(m: RegExpExecArray, secretGroup: number | undefined): { secret: string; index: number } | null {
  const indices = m.indices;
  const named = m.groups?.['secret'];
  if (named !== undefined) {
    const at = indices?.groups?.['secret']?.[0] ?? m.index + Math.max(0, m[0].indexOf(named));
    return named.length === 0 ? null : { secret: named, index: at };
  }
  if (m.groups !== undefined && 'secret' in m.groups) return null; // the group exists but did not take part
  let group = secretGroup;
  if (group === undefined) return { secret: m[0], index: m.index };
  if (group >= m.length) group = 0;
  const s = m[group];
  if (s === undefined || s.length === 0) return null;
  return { secret: s, index: indices?.[group]?.[0] ?? m.index };
}

/**
 * Merged [start, end) windows around keyword hits, line-aligned where lines are of sane length;
 * null when they would cover most of the text anyway (then the rule runs on all of it).
 */
function windowsAround(text: string, hits: readonly number[], reach: number): number[] | null {
  const out: number[] = [];
  let covered = 0;
  const multiline = reach > REACH_LINE;
  for (const p of hits) {
    const last = out.length - 1;
    if (multiline && last > 0 && p + reach <= out[last]!) continue;
    let start: number;
    let end: number;
    if (multiline) {
      start = alignBack(text, Math.max(0, p - REACH_BACK));
      end = alignForward(text, Math.min(text.length, p + reach));
    } else {
      // single-line rules: the hit's line plus one line either side (a value may follow `key:\n`)
      start = alignBack(text, Math.max(0, text.lastIndexOf('\n', p - 1) - 1));
      const le = text.indexOf('\n', p);
      end = le === -1 ? text.length : alignForward(text, le + 1);
      if (p - start > REACH_BACK + ALIGN_LIMIT) start = p - REACH_BACK;
      if (end - p > REACH_LINE + ALIGN_LIMIT) end = p + REACH_LINE;
    }
    if (last > 0 && start <= out[last]!) {
      if (end > out[last]!) {
        covered += end - out[last]!;
        out[last] = end;
      }
    } else {
      out.push(start, end);
      covered += end - start;
    }
    if (covered > text.length * 0.6) return null;
  }
  return out;
}

/** Start of the line containing `i`, unless that line is unreasonably long. */
function alignBack(text: string, i: number): number {
  const ls = text.lastIndexOf('\n', i - 1) + 1;
  return i - ls <= ALIGN_LIMIT ? ls : i;
}

/** End of the line containing `i` (exclusive of the newline), unless unreasonably far. */
function alignForward(text: string, i: number): number {
  const le = text.indexOf('\n', i);
  const end = le === -1 ? text.length : le;
  return end - i <= ALIGN_LIMIT ? end : i;
}

/** A `generic-*` match whose secret overlaps a provider-specific match is dropped. */
function suppressGenericOverlaps(matches: RawMatch[]): RawMatch[] {
  const specific = matches.filter((m) => !m.rule.id.startsWith('generic'));
  if (specific.length === matches.length || specific.length === 0) return matches;
  return matches.filter((m) => {
    if (!m.rule.id.startsWith('generic')) return true;
    const a = m.decodedFrom ?? m;
    return !specific.some((s) => {
      const b = s.decodedFrom ?? s;
      return a.index < b.index + b.length && b.index < a.index + a.length;
    });
  });
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1;
  let end = text.indexOf('\n', index);
  if (end === -1) end = text.length;
  return text.slice(start, end);
}

function testRe(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  return re.test(s);
}

/** True when a NUL byte appears in the first 8 KB. */
export function isBinary(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, BINARY_PROBE);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

function countNewlines(b: Buffer, from: number, to: number): number {
  let n = 0;
  let i = b.indexOf(10, from);
  while (i !== -1 && i < to) {
    n++;
    i = b.indexOf(10, i + 1);
  }
  return n;
}

/** Offset → 1-based line and column, built lazily on the first lookup. */
class LineIndex {
  readonly #text: string;
  #starts: number[] | null = null;
  constructor(text: string) {
    this.#text = text;
  }
  locate(index: number): { line: number; column: number } {
    if (this.#starts === null) {
      const starts = [0];
      let i = this.#text.indexOf('\n');
      while (i !== -1) {
        starts.push(i + 1);
        i = this.#text.indexOf('\n', i + 1);
      }
      this.#starts = starts;
    }
    const s = this.#starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((s[mid] ?? 0) <= index) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: index - (s[lo] ?? 0) + 1 };
  }
}
