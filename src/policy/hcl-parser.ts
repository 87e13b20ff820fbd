/**
 * @module Our own parser for the HCL subset Vault policies use (and for JSON, which is a subset
 * of the same value syntax). It yields a syntax tree that keeps source positions and comments,
 * so that `policy-parser.ts` can report line numbers and `format-policy.ts` can reprint a
 * policy without losing its comments. Blocks (`path "x" { … }`) and attributes (`key = value`)
 * both become {@link HclEntry}s; repeated keys are kept, never merged, here.
 */
import { HushError } from '../lib/errors.js';

/** 1-based line and column of a token. */
export interface SourcePos {
  readonly line: number;
  readonly column: number;
}

export interface HclString {
  readonly kind: 'string';
  readonly value: string;
  readonly pos: SourcePos;
}
export interface HclNumber {
  readonly kind: 'number';
  readonly value: number;
  /** The number as written, reprinted as is by the formatter. */
  readonly raw: string;
  readonly pos: SourcePos;
}
export interface HclBool {
  readonly kind: 'bool';
  readonly value: boolean;
  readonly pos: SourcePos;
}
export interface HclNull {
  readonly kind: 'null';
  readonly pos: SourcePos;
}
export interface HclList {
  readonly kind: 'list';
  readonly items: readonly HclNode[];
  readonly pos: SourcePos;
}
/** An object literal, a block body or the whole document. */
export interface HclObject {
  readonly kind: 'object';
  readonly entries: readonly HclEntry[];
  readonly pos: SourcePos;
  /** Comments after the last entry, before the closing brace (or the end of the file). */
  readonly innerComments: readonly string[];
}
export type HclNode = HclString | HclNumber | HclBool | HclNull | HclList | HclObject;

/** `key = value`, `"key": value` or a block `key "label" … { body }`. */
export interface HclEntry {
  readonly key: string;
  readonly keyQuoted: boolean;
  /** Block labels (`path "secret/*" {…}` has one); empty for attributes. */
  readonly labels: readonly HclString[];
  /** `block` when written without `=`/`:` (`path "x" { … }`, `allowed_parameters { … }`). */
  readonly form: 'attribute' | 'block';
  readonly value: HclNode;
  readonly pos: SourcePos;
  /** Comments on the lines before the entry, as written (`# x`, `// x`, `/* x *\/`); an empty
   * string stands for a blank line between comments. */
  readonly comments: readonly string[];
  /** A comment on the same line after the entry. */
  readonly trailingComment?: string;
}

type TokenKind = 'ident' | 'string' | 'number' | 'punct' | 'eof';
interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Decoded value for strings and heredocs. */
  readonly value: string;
  readonly offset: number;
  readonly pos: SourcePos;
  readonly endLine: number;
}
interface Comment {
  readonly text: string;
  readonly offset: number;
  readonly line: number;
}

/** Throws the parse error every policy caller sees. */
export function parseError(what: string, pos?: SourcePos): HushError {
  const where = pos ? `, line ${pos.line}:${pos.column}` : '';
  return new HushError('bad_request', `failed to parse policy: ${what}${where}`);
}

const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_\-.]/;
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f' };

class Lexer {
  readonly tokens: Token[] = [];
  readonly comments: Comment[] = [];
  #i = 0;
  /** End offset of the last token or comment, to see blank lines before a comment. */
  #lastEnd = 0;
  #line = 1;
  #lineStart = 0;
  readonly #src: string;

  constructor(src: string) {
    this.#src = src;
    for (;;) {
      const t = this.#next();
      this.tokens.push(t);
      this.#lastEnd = this.#i;
      if (t.kind === 'eof') break;
    }
  }

  #pos(offset = this.#i): SourcePos {
    return { line: this.#line, column: offset - this.#lineStart + 1 };
  }

  #newline(at: number): void {
    this.#line++;
    this.#lineStart = at + 1;
  }

  #next(): Token {
    const s = this.#src;
    for (;;) {
      const c = s[this.#i];
      if (c === undefined) return this.#token('eof', '', '', this.#i, this.#pos());
      if (c === '\n') {
        this.#newline(this.#i);
        this.#i++;
      } else if (c === ' ' || c === '\t' || c === '\r' || c === '\uFEFF') {
        this.#i++;
      } else if (c === '#' || (c === '/' && s[this.#i + 1] === '/')) {
        const end = s.indexOf('\n', this.#i);
        const stop = end === -1 ? s.length : end;
        this.#comment(s.slice(this.#i, stop).trimEnd(), this.#i, this.#line);
        this.#i = stop;
      } else if (c === '/' && s[this.#i + 1] === '*') {
        const start = this.#i;
        const pos = this.#pos();
        const end = s.indexOf('*/', start + 2);
        if (end === -1) throw parseError('unterminated /* comment', pos);
        for (let k = start; k < end; k++) if (s[k] === '\n') this.#newline(k);
        this.#i = end + 2;
        this.#comment(s.slice(start, this.#i), start, pos.line);
      } else break;
    }
    const start = this.#i;
    const pos = this.#pos();
    const c = s[start]!;
    if ('{}[]=:,;'.includes(c)) {
      this.#i++;
      return this.#token('punct', c, c, start, pos);
    }
    if (c === '"') return this.#string(start, pos);
    if (c === '<' && s[start + 1] === '<') return this.#heredoc(start, pos);
    if (IDENT_START.test(c)) {
      let j = start + 1;
      while (j < s.length && IDENT_PART.test(s[j]!)) j++;
      this.#i = j;
      const text = s.slice(start, j);
      return this.#token('ident', text, text, start, pos);
    }
    const m = NUMBER.exec(s.slice(start, start + 64));
    if (m) {
      this.#i = start + m[0].length;
      return this.#token('number', m[0], m[0], start, pos);
    }
    throw parseError(`unexpected character ${JSON.stringify(c)}`, pos);
  }

  /** Records a comment; a blank line before it is kept as an empty comment (for the formatter). */
  #comment(text: string, offset: number, line: number): void {
    const gap = this.#src.slice(this.#lastEnd, offset);
    if (this.#lastEnd > 0 && gap.split('\n').length > 2) this.comments.push({ text: '', offset, line });
    this.comments.push({ text, offset, line });
    this.#lastEnd = offset + text.length;
  }

  #token(kind: TokenKind, text: string, value: string, offset: number, pos: SourcePos): Token {
    return { kind, text, value, offset, pos, endLine: this.#line };
  }

  #string(start: number, pos: SourcePos): Token {
    const s = this.#src;
    let out = '';
    let j = start + 1;
    for (;;) {
      const c = s[j];
      if (c === undefined || c === '\n') throw parseError('unterminated string', pos);
      if (c === '"') break;
      if (c === '\\') {
        const e = s[j + 1];
        const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
        if (simple !== undefined) {
          out += simple;
          j += 2;
        } else if (e === 'u' || e === 'U') {
          const len = e === 'u' ? 4 : 8;
          const hex = s.slice(j + 2, j + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) {
            throw parseError('invalid unicode escape in string', { line: pos.line, column: j - this.#lineStart + 1 });
          }
          out += String.fromCodePoint(parseInt(hex, 16));
          j += 2 + len;
        } else {
          throw parseError(`invalid escape "\\${e ?? ''}" in string`, { line: pos.line, column: j - this.#lineStart + 1 });
        }
      } else {
        out += c;
        j++;
      }
    }
    this.#i = j + 1;
    return this.#token('string', s.slice(start, this.#i), out, start, pos);
  }

  #heredoc(start: number, pos: SourcePos): Token {
    const s = this.#src;
    const header = /^<<(-?)([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n/.exec(s.slice(start, start + 256));
    if (!header) throw parseError('invalid heredoc: expected <<MARKER and a newline', pos);
    const indented = header[1] === '-';
    const marker = header[2]!;
    let j = start + header[0].length;
    this.#newline(j - 1);
    const lines: string[] = [];
    for (;;) {
      if (j >= s.length) throw parseError(`unterminated heredoc, missing closing ${marker}`, pos);
      const end = s.indexOf('\n', j);
      const stop = end === -1 ? s.length : end;
      const line = s.slice(j, stop).replace(/\r$/, '');
      if (line.trim() === marker) {
        this.#i = stop;
        break;
      }
      lines.push(line);
      if (end !== -1) this.#newline(end);
      j = stop + 1;
    }
    let body = lines;
    if (indented) {
      const widths = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0].length);
      const cut = widths.length ? Math.min(...widths) : 0;
      body = lines.map((l) => l.slice(cut));
    }
    const value = body.length ? `${body.join('\n')}\n` : '';
    return this.#token('string', s.slice(start, this.#i), value, start, pos);
  }
}

class Parser {
  readonly #tokens: readonly Token[];
  readonly #comments: readonly Comment[];
  #t = 0;
  #c = 0;

  constructor(lexer: Lexer) {
    this.#tokens = lexer.tokens;
    this.#comments = lexer.comments;
  }

  get #peek(): Token {
    return this.#tokens[this.#t]!;
  }

  #advance(): Token {
    const t = this.#tokens[this.#t]!;
    if (t.kind !== 'eof') this.#t++;
    return t;
  }

  #is(text: string): boolean {
    return this.#peek.kind === 'punct' && this.#peek.text === text;
  }

  #expect(text: string, context: string): Token {
    if (!this.#is(text)) throw this.#unexpected(`expected "${text}" ${context}`);
    return this.#advance();
  }

  #unexpected(what: string): HushError {
    const t = this.#peek;
    const found = t.kind === 'eof' ? 'end of input' : JSON.stringify(t.text);
    return parseError(`${what}, found ${found}`, t.pos);
  }

  /** Comments that start before `offset` and were not yet attached. */
  #commentsBefore(offset: number): string[] {
    const out: string[] = [];
    while (this.#c < this.#comments.length && this.#comments[this.#c]!.offset < offset) {
      out.push(this.#comments[this.#c++]!.text);
    }
    return out;
  }

  #trailingComment(line: number): string | undefined {
    const c = this.#comments[this.#c];
    if (c && c.line === line && c.offset < this.#peek.offset) {
      this.#c++;
      return c.text;
    }
    return undefined;
  }

  /** The whole document: a body up to the end of input, or one JSON-style object. */
  document(): HclObject {
    if (this.#is('{')) {
      const obj = this.#object();
      if (this.#peek.kind !== 'eof') throw this.#unexpected('expected end of input after the top-level object');
      const tail = this.#commentsBefore(Infinity);
      return tail.length ? { ...obj, innerComments: [...obj.innerComments, ...tail] } : obj;
    }
    return this.#body('eof', { line: 1, column: 1 });
  }

  /** Entries until `}` (or end of input for the document). */
  #body(close: '}' | 'eof', pos: SourcePos): HclObject {
    const entries: HclEntry[] = [];
    for (;;) {
      while (this.#is(',') || this.#is(';')) this.#advance();
      const t = this.#peek;
      if (close === 'eof' ? t.kind === 'eof' : this.#is('}')) {
        const innerComments = this.#commentsBefore(t.offset);
        if (close === '}') this.#advance();
        return { kind: 'object', entries, pos, innerComments };
      }
      if (t.kind === 'eof') throw parseError('unclosed "{", missing "}"', pos);
      entries.push(this.#entry());
    }
  }

  #entry(): HclEntry {
    const keyTok = this.#peek;
    const comments = this.#commentsBefore(keyTok.offset);
    if (keyTok.kind !== 'ident' && keyTok.kind !== 'string') throw this.#unexpected('expected a key');
    this.#advance();
    const labels: HclString[] = [];
    while (this.#peek.kind === 'string' || (this.#peek.kind === 'ident' && this.#isLabelIdent())) {
      const l = this.#advance();
      labels.push({ kind: 'string', value: l.value, pos: l.pos });
    }
    let value: HclNode;
    let form: 'attribute' | 'block';
    if (labels.length === 0 && (this.#is('=') || this.#is(':'))) {
      this.#advance();
      value = this.#value();
      form = 'attribute';
    } else if (this.#is('{')) {
      const open = this.#advance();
      value = this.#body('}', open.pos);
      form = 'block';
    } else {
      throw this.#unexpected(`expected "=" or "{" after ${JSON.stringify(keyTok.value)}`);
    }
    const endLine = this.#tokens[this.#t - 1]!.endLine;
    const trailingComment = this.#trailingComment(endLine);
    return {
      key: keyTok.value,
      keyQuoted: keyTok.kind === 'string',
      labels,
      form,
      value,
      pos: keyTok.pos,
      comments,
      ...(trailingComment === undefined ? {} : { trailingComment }),
    };
  }

  /** HCL allows bare identifiers as block labels only when a `{` follows eventually. */
  #isLabelIdent(): boolean {
    for (let k = this.#t; k < this.#tokens.length; k++) {
      const t = this.#tokens[k]!;
      if (t.kind === 'ident' || t.kind === 'string') continue;
      return t.kind === 'punct' && t.text === '{';
    }
    return false;
  }

  #value(): HclNode {
    const t = this.#peek;
    if (t.kind === 'string') {
      this.#advance();
      return { kind: 'string', value: t.value, pos: t.pos };
    }
    if (t.kind === 'number') {
      this.#advance();
      return { kind: 'number', value: Number(t.text), raw: t.text, pos: t.pos };
    }
    if (t.kind === 'ident' && (t.text === 'true' || t.text === 'false')) {
      this.#advance();
      return { kind: 'bool', value: t.text === 'true', pos: t.pos };
    }
    if (t.kind === 'ident' && t.text === 'null') {
      this.#advance();
      return { kind: 'null', pos: t.pos };
    }
    if (this.#is('[')) return this.#list();
    if (this.#is('{')) return this.#object();
    throw this.#unexpected('expected a value');
  }

  #list(): HclList {
    const open = this.#advance();
    const items: HclNode[] = [];
    for (;;) {
      if (this.#is(']')) {
        this.#advance();
        return { kind: 'list', items, pos: open.pos };
      }
      if (this.#peek.kind === 'eof') throw parseError('unclosed "[", missing "]"', open.pos);
      items.push(this.#value());
      if (this.#is(',')) this.#advance();
      else if (!this.#is(']')) throw this.#unexpected('expected "," or "]" in list');
    }
  }

  #object(): HclObject {
    const open = this.#expect('{', 'to open an object');
    return this.#body('}', open.pos);
  }
}

/**
 * Parses policy text (HCL, or JSON when the first token is `{`) into a syntax tree.
 * @throws HushError `bad_request` "failed to parse policy: <what>, line L:C".
 */
export function parseHcl(text: string): HclObject {
  return new Parser(new Lexer(text)).document();
}
