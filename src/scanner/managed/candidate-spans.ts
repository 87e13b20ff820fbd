/**
 * @module Where a managed value could sit in a text. Only keyed hashes of the values are known,
 * so matching means hashing candidate substrings; this module proposes them, cheaply and only
 * at lengths some managed form has:
 *
 * - maximal runs between whitespace (values holding `=`, `:` or quotes);
 * - maximal runs between whitespace, quotes, backticks and `= : , ; ( ) < > [ ] { }`;
 * - the same, also split at `@ / ? & # |` (URL user info, query strings, paths);
 * - the contents of single-line quoted strings, spaces included (raw, escapes as written);
 * - the value part of `KEY=value` and `key: value` lines, trimmed, also without a trailing
 *   `,` / `;` or ` # comment`.
 */

/** Character classes: which split levels a character ends a run at. */
const WS = 1;
const PUNCT = 2;
const URLISH = 4;
const CLASS = new Uint8Array(128);
for (const c of ' \t\r\n\f\v') CLASS[c.charCodeAt(0)] = WS | PUNCT | URLISH;
for (const c of '"\'`=:,;()<>[]{}') CLASS[c.charCodeAt(0)] = PUNCT | URLISH;
for (const c of '@/?&#|') CLASS[c.charCodeAt(0)] = URLISH;
const LEVELS = [WS, PUNCT, URLISH] as const;
const [DQUOTE, SQUOTE, BACKTICK, BACKSLASH, EQUALS, COLON, COMMA, SEMICOLON] = Array.from('"\'`\\=:,;', (c) => c.charCodeAt(0));

/**
 * Calls `emit(start, length)` for every candidate whose length `wanted` accepts. The same span
 * may be emitted more than once (different rules find it); callers dedupe.
 */
export function forEachCandidate(text: string, wanted: (length: number) => boolean, emit: (start: number, length: number) => void): void {
  const take = (start: number, end: number) => {
    if (end > start && wanted(end - start)) emit(start, end - start);
  };

  // Runs at the three split levels, in one pass; a run ending at the same delimiter at several
  // levels with the same start is the same span, emitted once.
  const starts = [0, 0, 0];
  const endRuns = (cls: number, i: number) => {
    let last = -1;
    for (let l = 0; l < LEVELS.length; l++) {
      if ((cls & LEVELS[l]!) === 0) continue;
      if (starts[l] !== last) take(starts[l]!, i);
      last = starts[l]!;
      starts[l] = i + 1;
    }
  };
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const cls = code < 128 ? CLASS[code]! : 0;
    if (cls !== 0) endRuns(cls, i);
  }
  endRuns(WS | PUNCT | URLISH, text.length);

  // Per line: quoted strings and assignment values.
  let lineStart = 0;
  while (lineStart <= text.length) {
    let lineEnd = text.indexOf('\n', lineStart);
    if (lineEnd === -1) lineEnd = text.length;
    quotedStrings(text, lineStart, lineEnd, take);
    assignmentValue(text, lineStart, lineEnd, take);
    lineStart = lineEnd + 1;
  }
}

function quotedStrings(text: string, from: number, to: number, take: (s: number, e: number) => void): void {
  let i = from;
  while (i < to) {
    const c = text.charCodeAt(i);
    if (c !== DQUOTE && c !== SQUOTE && c !== BACKTICK) {
      i++;
      continue;
    }
    let j = i + 1;
    while (j < to && text.charCodeAt(j) !== c) j += text.charCodeAt(j) === BACKSLASH ? 2 : 1;
    if (j >= to) {
      i++; // no closing quote on this line: maybe an apostrophe; try the next opener
      continue;
    }
    take(i + 1, j);
    i = j + 1;
  }
}

function assignmentValue(text: string, from: number, to: number, take: (s: number, e: number) => void): void {
  let at = -1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === EQUALS || c === COLON) {
      at = i;
      break;
    }
  }
  if (at === -1) return;
  let s = at + 1;
  let e = to;
  while (s < e && isSpace(text.charCodeAt(s))) s++;
  while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
  take(s, e);
  const lastChar = text.charCodeAt(e - 1);
  if (e > s && (lastChar === COMMA || lastChar === SEMICOLON)) take(s, e - 1);
  const comment = text.slice(s, e).indexOf(' #') + s; // within the line only
  if (comment >= s) {
    let ce = comment;
    while (ce > s && isSpace(text.charCodeAt(ce - 1))) ce--;
    take(s, ce);
  }
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 13;
}
