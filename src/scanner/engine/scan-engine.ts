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
import { KeywordPrefilter, asciiBytes } from './keyword-prefilter.js';
import type { GroupHits, PrefilterOptions } from './keyword-prefilter.js';
import { LineBreaks } from './line-breaks.js';
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
  /** How keywords are searched (tests pin one way; results are the same). */
  readonly prefilter?: PrefilterOptions;
  /** Detectors that are not regex rules (`hush scan --server`'s managed-secret matcher). */
  readonly detectors?: readonly TextDetector[];
}

/**
 * A detector that is not a regex rule: it sees each text (or chunk) scanned at the top level,
 * not decoded content, and reports spans; the engine locates them, honours `hush:allow`, and
 * drops `generic-*` findings they overlap (the detector knows better what the value is).
 */
export interface TextDetector {
  detect(text: string): readonly DetectorHit[];
}

export interface DetectorHit {
  /** Offset of the matched text in the text given to `detect`. */
  readonly index: number;
  /** The matched text (fingerprinted and redacted like a rule's secret). */
  readonly secret: string;
  readonly finding: Pick<Finding, 'ruleId' | 'provider' | 'description' | 'severity'> & Partial<Pick<Finding, 'encoding' | 'managed'>>;
}

/** What the caller knows about the text being scanned. */
export interface ScanTarget {
  readonly path: string;
  /** Commit the content belongs to, for commit allowlists. */
  readonly commit?: string;
}

interface CompiledRule {
  readonly rule: ScanRule;
  /** The rule's regex with `g` and `d`: made on first use (a pre-commit scan runs a few rules of 250). */
  regex: RegExp | null;
  readonly flags: string;
  /** What the prefilter sees: the rule's keywords, or none when one is a two-letter word (see below). */
  readonly keywords: readonly string[];
  /** Characters after a keyword hit a match may still reach (multi-line rules reach further). */
  readonly reach: number;
  /** Windows start at the hit's line, not the line before (`Rule.startsOnKeywordLine`). */
  readonly fromHitLine: boolean;
  /** Prefilter group (rules with the same keywords share hits and windows). */
  group: number;
}

/** Characters before a keyword hit a match may start at. */
const REACH_BACK = 1024;
const REACH_LINE = 1024;
const REACH_MULTILINE = 64 * 1024;
/** Windows stop at line boundaries unless a line is longer than this. */
const ALIGN_LIMIT = 4096;
/**
 * Two-letter keywords (Discord's `mt`, `nd`, …) occur in almost every text, so their hits cost
 * more than they save: such rules skip the prefilter and run on the whole text.
 */
const TOO_COMMON_KEYWORD = /^[a-z0-9]{1,2}$/i;

const ALLOW_MARKER = 'hush:allow';
const BINARY_PROBE = 8192;
const CHUNK_OVERLAP = 4096;

export class ScanEngine {
  readonly #prefilter: KeywordPrefilter<CompiledRule>;
  readonly #compiled: readonly CompiledRule[];
  readonly #fp: FalsePositiveFilter | undefined;
  readonly #allowlists: readonly Allowlist[];
  readonly #maxDepth: number;
  readonly #chunkSize: number;
  readonly #detectors: readonly TextDetector[];

  constructor(options: ScanEngineOptions) {
    const compiled = options.rules.map((rule): CompiledRule => {
      let flags = rule.regex.flags;
      if (!flags.includes('g')) flags += 'g';
      if (!flags.includes('d')) flags += 'd';
      const multiline = flags.includes('s') || /\[\\s\\S\]|\[\\S\\s\]|BEGIN|\\n/.test(rule.regex.source);
      const keywords = rule.keywords.some((k) => TOO_COMMON_KEYWORD.test(k)) ? [] : rule.keywords;
      const reach = multiline ? REACH_MULTILINE : REACH_LINE;
      return { rule, regex: null, flags, keywords, reach, fromHitLine: rule.startsOnKeywordLine === true, group: 0 };
    });
    this.#prefilter = new KeywordPrefilter(compiled, options.prefilter);
    compiled.forEach((c, i) => (c.group = this.#prefilter.groupOf(i)));
    this.#compiled = compiled;
    this.#fp = options.isFalsePositive;
    this.#allowlists = options.allowlists ?? [];
    this.#maxDepth = options.maxDecodeDepth ?? 2;
    this.#chunkSize = options.chunkSize ?? 4 * 1024 * 1024;
    this.#detectors = options.detectors ?? [];
  }

  /** Scans bytes: skipped when binary, chunked when large. */
  scanBuffer(buf: Uint8Array, target: ScanTarget): Finding[] {
    if (isBinary(buf)) return [];
    const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
    if (b.length <= this.#chunkSize) return this.#scanTextOf(b.toString('utf8'), b, target, 0);
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
      const part = b.subarray(start, end);
      out.push(...this.#scanTextOf(part.toString('utf8'), part, target, lineOffset));
      if (end >= b.length) break;
      let next = b.lastIndexOf(10, end - CHUNK_OVERLAP - 1);
      next = next <= start ? end : next + 1;
      start = next;
    }
    return dedupeFindings(out);
  }

  /** Scans a string; `lineOffset` is added to every reported line (for chunks and hunks). */
  scanText(text: string, target: ScanTarget, lineOffset = 0): Finding[] {
    return this.#scanTextOf(text, undefined, target, lineOffset);
  }

  /** `source`: the bytes `text` was decoded from, if any (reused as the prefilter's input when ASCII). */
  #scanTextOf(text: string, source: Uint8Array | undefined, target: ScanTarget, lineOffset: number): Finding[] {
    const found = this.#scan(text, asciiBytes(text, source), target, 0);
    // Detectors (managed secrets) find what no rule does, so they still run on a rule-clean text.
    if (found.length === 0 && this.#detectors.length === 0) return [];
    const lines = new LineIndex(text);
    const out: Finding[] = [];
    const detected = this.#detectors.length === 0 ? [] : this.#detect(text, target, lines, lineOffset, out);
    for (const f of found) {
      const pos = f.decodedFrom ?? f;
      if (detected.length > 0 && f.rule.id.startsWith('generic') && detected.some((d) => pos.index < d.index + d.secret.length && d.index < pos.index + pos.length)) continue;
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

  /** Runs the extra detectors, pushing their findings to `out`; returns the hits kept. */
  #detect(text: string, target: ScanTarget, lines: LineIndex, lineOffset: number, out: Finding[]): DetectorHit[] {
    const kept: DetectorHit[] = [];
    for (const d of this.#detectors) {
      for (const hit of d.detect(text)) {
        if (lineAt(text, hit.index).includes(ALLOW_MARKER)) continue;
        kept.push(hit);
        const { line, column } = lines.locate(hit.index);
        const endPos = lines.locate(hit.index + Math.max(0, hit.secret.length - 1));
        out.push({
          ...hit.finding,
          file: target.path,
          line: line + lineOffset,
          column,
          ...(endPos.line !== line ? { endLine: endPos.line + lineOffset } : {}),
          secret: hit.secret,
          redacted: redact(hit.secret),
          fingerprint: fingerprintOf(hit.finding.ruleId, hit.secret),
        });
      }
    }
    return kept;
  }

  #scan(text: string, bytes: Uint8Array, target: ScanTarget, depth: number): RawMatch[] {
    const out: RawMatch[] = [];
    const runs: number[] | undefined = depth < this.#maxDepth ? [] : undefined;
    const lines = new LineBreaks(text.length);
    const hits: GroupHits = this.#prefilter.scan(bytes, runs, lines);
    /** Windows per group and shape, shared by the rules of a group. */
    const windowsOf = new Map<number, number[] | null>();
    for (const c of this.#compiled) {
      const h = hits[c.group];
      if (h === undefined) continue;
      if (c.rule.path !== undefined && !testRe(c.rule.path, target.path)) continue;
      let windows: number[] | null = null;
      if (h !== null) {
        const key = c.group * 4 + (c.reach > REACH_LINE ? 2 : 0) + (c.fromHitLine ? 1 : 0);
        let w = windowsOf.get(key);
        if (w === undefined) {
          w = windowsAround(lines, h, c.reach, c.fromHitLine);
          windowsOf.set(key, w);
        }
        windows = w;
      }
      if (windows === null) this.#runRule(c, text, lines, 0, text.length, target, out);
      else for (let i = 0; i < windows.length; i += 2) this.#runRule(c, text, lines, windows[i]!, windows[i + 1]!, target, out);
    }
    if (runs !== undefined) {
      const direct = out.slice();
      for (const run of findDecodedRuns(text, runs)) {
        // An encoded value a rule already reported as it stands is not reported again decoded.
        if (direct.some((m) => m.index < run.index + run.length && run.index < m.index + m.length)) continue;
        const inner0 = this.#scan(run.text, asciiBytes(run.text), target, depth + 1);
        if (inner0.length === 0 || lines.lineAt(text, run.index).includes(ALLOW_MARKER)) continue;
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
  #runRule(c: CompiledRule, text: string, lines: LineBreaks, from: number, to: number, target: ScanTarget, out: RawMatch[]): void {
    const re = (c.regex ??= new RegExp(c.rule.regex.source, c.flags));
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
      const lineText = lines.lineAt(text, index);
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
 * null when they would cover most of the text anyway (then the rule runs on all of it). Line
 * ends come from the prefilter's newline offsets: hits are many, and a string search per hit
 * costs more than the regex that follows.
 */
function windowsAround(lines: LineBreaks, hits: readonly number[], reach: number, fromHitLine: boolean): number[] | null {
  const out: number[] = [];
  const len = lines.length;
  let covered = 0;
  const multiline = reach > REACH_LINE;
  /** Line (after `lineStart`, before `lineEnd`) and window start of the previous single-line hit. */
  let lineStart = -1;
  let lineEnd = -1;
  let windowStart = 0;
  for (const p of hits) {
    const last = out.length - 1;
    if (multiline && last > 0 && p + reach <= out[last]!) continue;
    // another hit on the same line gets the same window, unless it is too far into a long line
    if (!multiline && p > lineStart && p < lineEnd && p - windowStart <= REACH_BACK + ALIGN_LIMIT) continue;
    let start: number;
    let end: number;
    if (multiline) {
      start = alignBack(lines, Math.max(0, p - REACH_BACK));
      end = alignForward(lines, Math.min(len, p + reach));
    } else {
      // single-line rules: the hit's line plus one line either side (a value may follow `key:\n`);
      // rules whose matches start on the keyword's line need not see the line before
      const nl = lines.before(p - 1);
      start = fromHitLine ? nl + 1 : alignBack(lines, Math.max(0, nl - 1));
      const le = lines.from(p);
      end = le === -1 ? len : alignForward(lines, le + 1);
      const clamped = p - start > REACH_BACK + ALIGN_LIMIT || end - p > REACH_LINE + ALIGN_LIMIT;
      if (p - start > REACH_BACK + ALIGN_LIMIT) start = p - REACH_BACK;
      if (end - p > REACH_LINE + ALIGN_LIMIT) end = p + REACH_LINE;
      lineStart = clamped ? -1 : nl;
      lineEnd = clamped ? -1 : le === -1 ? len : le;
      windowStart = start;
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
    if (covered > len * 0.6) return null;
  }
  return out;
}

/** Start of the line containing `i`, unless that line is unreasonably long. */
function alignBack(lines: LineBreaks, i: number): number {
  const ls = lines.before(i - 1) + 1;
  return i - ls <= ALIGN_LIMIT ? ls : i;
}

/** End of the line containing `i` (exclusive of the newline), unless unreasonably far. */
function alignForward(lines: LineBreaks, i: number): number {
  const le = lines.from(i);
  const end = le === -1 ? lines.length : le;
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
  return buf.subarray(0, BINARY_PROBE).indexOf(0) !== -1;
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
