/**
 * @module Decodes the encoded runs of a text that turn out to be readable text, so the engine can
 * scan what they hide: base64 of 20+ characters and hex of 32+ digits (both located by the
 * keyword prefilter's single pass over the text) and percent-encoding (found here: a native
 * `indexOf('%')`, runs expanded by hand instead of with a regex).
 */

export interface DecodedRun {
  readonly encoding: 'base64' | 'hex' | 'percent';
  /** Offset of the encoded run in the source text. */
  readonly index: number;
  readonly length: number;
  readonly text: string;
}

const MAX_RUN = 1 << 20;
const MIN_BASE64 = 20;
const MIN_HEX = 32;

/**
 * Every readable decoded run in `text`. `runs` are the `[start, end, allHex]` triples of
 * base64-alphabet runs found by the keyword prefilter's pass over the same text.
 */
export function findDecodedRuns(text: string, runs: readonly number[]): DecodedRun[] {
  const out: DecodedRun[] = [];
  const len = text.length;
  for (let r = 0; r < runs.length; r += 3) {
    const start = runs[r]!;
    const i = runs[r + 1]!;
    const allHex = runs[r + 2] === 1;
    const runLength = i - start;
    if (runLength < MIN_BASE64 || runLength > MAX_RUN) continue;
    if (allHex) {
      if (runLength < MIN_HEX || runLength % 2 !== 0 || !printableHexPrefix(text, start)) continue;
      const decoded = readable(Buffer.from(text.slice(start, i), 'hex'));
      if (decoded !== null) out.push({ encoding: 'hex', index: start, length: runLength, text: decoded });
      continue;
    }
    let end = i;
    while (end < len && end - i < 2 && text.charCodeAt(end) === 61) end++;
    const run = text.slice(start, end);
    if (printableBase64Prefix(run) && looksLikeBase64(run)) {
      const decoded = readable(Buffer.from(run, 'base64'));
      if (decoded !== null) out.push({ encoding: 'base64', index: start, length: run.length, text: decoded });
    }
  }
  // `%XX` escapes: a native `indexOf` skips the (usual) text without any
  for (let at = text.indexOf('%'); at !== -1; at = text.indexOf('%', at + 1)) {
    if (!isHexDigit(text.charCodeAt(at + 1)) || !isHexDigit(text.charCodeAt(at + 2))) continue;
    let start = at;
    let end = at + 3;
    while (start > 0 && start > at - 4096 && isUrlChar(text.charCodeAt(start - 1))) start--;
    while (end < text.length && end < at + 4096 && isUrlChar(text.charCodeAt(end))) end++;
    at = end - 1;
    const run = text.slice(start, end);
    const decoded = percentDecode(run);
    if (decoded !== null && decoded !== run) out.push({ encoding: 'percent', index: start, length: run.length, text: decoded });
  }
  return out;
}

/** Cheap rejection before decoding a whole run: the first 6 bytes must be printable. */
function printableHexPrefix(text: string, start: number): boolean {
  for (let i = start; i < start + 12; i += 2) {
    const b = parseInt(text.slice(i, i + 2), 16);
    if ((b < 32 && b !== 9 && b !== 10 && b !== 13) || b >= 127) return false;
  }
  return true;
}

function printableBase64Prefix(run: string): boolean {
  const head = Buffer.from(run.slice(0, 8), 'base64');
  for (const b of head) if ((b < 32 && b !== 9 && b !== 10 && b !== 13) || b >= 127) return false;
  return true;
}

/** Pure-letter runs (identifiers, words) are not worth decoding: require a digit or symbol, mixed case. */
function looksLikeBase64(run: string): boolean {
  let digitOrSymbol = false;
  let upper = false;
  let lower = false;
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c >= 65 && c <= 90) upper = true;
    else if (c >= 97 && c <= 122) lower = true;
    else digitOrSymbol = true;
    if (digitOrSymbol && upper && lower) return true;
  }
  return false;
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

function isUrlChar(c: number): boolean {
  return (
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ||
    c === 37 || c === 45 || c === 46 || c === 95 || c === 126 || c === 43 || c === 47 ||
    c === 58 || c === 61 || c === 38 || c === 63 || c === 64 || c === 33 || c === 42 || c === 44 || c === 59
  );
}

function percentDecode(run: string): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < run.length; i++) {
    const c = run.charCodeAt(i);
    if (c === 37 && i + 2 < run.length + 0 && /^[0-9A-Fa-f]{2}$/.test(run.slice(i + 1, i + 3))) {
      bytes.push(parseInt(run.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === 43) bytes.push(32);
    else if (c < 128) bytes.push(c);
    else return null;
  }
  return readable(Buffer.from(bytes));
}

/** UTF-8 text when at least 95% of the bytes are printable ASCII or whitespace; else null. */
function readable(buf: Buffer): string | null {
  if (buf.length < 8) return null;
  let bad = 0;
  const limit = Math.floor(buf.length * 0.05);
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i] ?? 0;
    if ((b < 32 && b !== 9 && b !== 10 && b !== 13) || b === 127 || b >= 128) {
      if (++bad > limit) return null;
    }
  }
  return buf.toString('utf8');
}
