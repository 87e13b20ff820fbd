/**
 * @module Reads `.env` files the way python-dotenv does, so a file that works with Django's
 * `load_dotenv()` means the same under `hush run --env-file`: `#` comments (whole lines, and
 * after whitespace in unquoted values), an optional `export ` prefix, single quotes (literal,
 * only `\'` and `\\` escaped), double quotes (with `\n \t \" \\ …` escapes), quoted values
 * spanning several lines, `KEY= # comment` as an empty value. A key without `=` is skipped.
 * `${VAR}` is NOT expanded here: values are taken literally (a value may instead be a `hush://`
 * reference, resolved by `hush run`); `hush import` expands them (`src/import/dotenv-expansion.ts`).
 * Errors name the file and line, never the content.
 */
import { HushError } from '../lib/errors.js';

export interface EnvEntry {
  readonly name: string;
  readonly value: string;
  /** 1-based line where the entry starts. */
  readonly line: number;
}

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function parseError(file: string, line: number, what: string): HushError {
  return new HushError('bad_request', `${file}:${line}: ${what}`);
}

/** Parses the text of an env file; `file` is only used in error messages. */
export function parseEnvFile(text: string, file = '.env'): EnvEntry[] {
  const entries: EnvEntry[] = [];
  let i = 0;
  let line = 1;
  const n = text.length;
  const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\f' || c === '\v';
  const skipBlanks = () => {
    while (i < n && isBlank(text[i])) i++;
  };
  const restOfLine = (): string => {
    const start = i;
    while (i < n && text[i] !== '\n' && text[i] !== '\r') i++;
    return text.slice(start, i);
  };
  const endOfLine = (): void => {
    if (text[i] === '\r' && text[i + 1] === '\n') i += 2;
    else if (text[i] === '\n' || text[i] === '\r') i++;
    line++;
  };
  const countLines = (s: string) => {
    line += (s.match(/\r\n|\r|\n/g) ?? []).length;
  };

  while (i < n) {
    skipBlanks();
    if (i >= n) break;
    if (text[i] === '\n' || text[i] === '\r') {
      endOfLine();
      continue;
    }
    if (text[i] === '#') {
      restOfLine();
      if (i < n) endOfLine();
      continue;
    }
    const startLine = line;
    if (/^export[ \t]+/.test(text.slice(i, i + 12))) {
      i += 6;
      skipBlanks();
    }
    // the key
    let name: string;
    if (text[i] === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) throw parseError(file, startLine, 'unterminated quoted key');
      name = text.slice(i + 1, close);
      countLines(name);
      i = close + 1;
    } else {
      const start = i;
      while (i < n && !/[=#\s]/.test(text[i]!)) i++;
      name = text.slice(start, i);
    }
    skipBlanks();
    if (text[i] !== '=') {
      // `KEY` alone (no value) is skipped as python-dotenv does; anything else is an error
      const rest = restOfLine();
      if (name === '' || (rest !== '' && !/^\s*#/.test(rest))) throw parseError(file, startLine, 'expected NAME=value');
      if (i < n) endOfLine();
      continue;
    }
    if (name === '') throw parseError(file, startLine, 'missing variable name before "="');
    i++;
    const afterEquals = i;
    skipBlanks();
    let value: string;
    const quote = text[i];
    if (i > afterEquals && quote === '#') {
      // `KEY= # comment`: an empty value and a comment (`KEY=#x` is the value `#x`)
      restOfLine();
      value = '';
    } else if (quote === "'" || quote === '"') {
      let j = i + 1;
      let raw = '';
      for (;;) {
        if (j >= n) throw parseError(file, startLine, `unterminated ${quote === '"' ? 'double' : 'single'}-quoted value`);
        const c = text[j]!;
        if (c === '\\' && j + 1 < n && (quote === '"' ? text[j + 1] === '"' || text[j + 1] === '\\' : text[j + 1] === "'" || text[j + 1] === '\\')) {
          raw += c + text[j + 1];
          j += 2;
          continue;
        }
        if (c === quote) break;
        raw += c;
        j++;
      }
      countLines(raw);
      i = j + 1;
      value =
        quote === "'"
          ? raw.replace(/\\([\\'])/g, '$1')
          : raw.replace(/\\([\\'"abfnrtv])/g, (_m, c: string) => DOUBLE_ESCAPES[c] ?? c);
      skipBlanks();
      const rest = restOfLine();
      if (rest !== '' && !rest.startsWith('#')) throw parseError(file, startLine, 'unexpected text after the closing quote');
    } else {
      value = restOfLine()
        .replace(/\s+#.*$/, '')
        .trimEnd();
    }
    if (i < n) endOfLine();
    entries.push({ name, value, line: startLine });
  }
  return entries;
}
