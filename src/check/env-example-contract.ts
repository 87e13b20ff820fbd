/**
 * @module Reads a contract from a `.env.example` (the committed template of a `.env`): every
 * `NAME=example` line declares NAME, and a trailing comment may give its type and settings:
 *
 * ```sh
 * DATABASE_URL=postgres://user:password@localhost:5432/app   # database-url
 * PORT=8000            # int, min=1, max=65535, default=8000
 * DEBUG=false          # type: bool, optional
 * ALLOWED_HOSTS=       # list, choices="a.example|b.example"
 * SECRET_KEY=change-me # the Django secret key (prose: a required str)
 * ```
 *
 * A comment is read as a hint when it starts with `type:`, a type name, `optional`, `required`
 * or `NAME=`; any other comment is prose and the variable is a required `str`. Within a hint,
 * an unknown word is an error (a typo must not silently weaken the contract). The example values
 * are only examples: they are neither defaults nor checked. Lines are read by the `.env` reader
 * of `hush run`, so quoting and multi-line values mean the same here.
 */
import { HushError } from '../lib/errors.js';
import { parseEnvFile } from '../run/env-file.js';
import { defineVariable, isVarType, makeContract } from './contract.js';
import type { Contract, VarSpec } from './contract.js';

/** Settings spelt `key=value` in a hint; lists are `|`-separated. */
const VALUED = new Set(['default', 'min', 'max', 'min_length', 'max_length', 'pattern', 'separator', 'choices', 'schemes', 'description']);
const LISTS = new Set(['choices', 'schemes']);

/** The comment after the value of the entry starting at `start` (an index into the text), if any. */
function trailingComment(text: string, start: number): string | undefined {
  const lineEnd = (from: number) => {
    const m = /\r\n|\r|\n/.exec(text.slice(from));
    return m ? from + m.index : text.length;
  };
  let i = start;
  if (text[i] === "'") i = text.indexOf("'", i + 1) + 1; // a quoted key
  i = text.indexOf('=', i) + 1;
  while (text[i] === ' ' || text[i] === '\t') i++;
  const quote = text[i];
  if (quote === '"' || quote === "'") {
    let j = i + 1;
    while (j < text.length && text[j] !== quote) j += text[j] === '\\' ? 2 : 1;
    const rest = text.slice(j + 1, lineEnd(j + 1)).trim();
    return rest.startsWith('#') ? rest.slice(1).trim() : undefined;
  }
  const rest = text.slice(i, lineEnd(i));
  // `KEY=  # int`: no example value, only the hint
  if (rest.startsWith('#')) return rest.slice(1).trim();
  const m = /\s#(.*)$/.exec(rest);
  return m ? m[1]!.trim() : undefined;
}

/** Splits a hint on commas outside double quotes; quotes are removed. */
function tokens(hint: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const c of hint) {
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  out.push(current.trim());
  return out;
}

function isHint(comment: string): boolean {
  if (/^type\s*:/.test(comment)) return true;
  const first = tokens(comment)[0] ?? '';
  const key = /^([a-z_]+)\s*=/.exec(first)?.[1];
  return isVarType(first) || first === 'optional' || first === 'required' || (key !== undefined && VALUED.has(key));
}

/** The raw settings a hint gives (unchecked: {@link defineVariable} checks them). */
function readHint(comment: string, where: string): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  const body = comment.replace(/^type\s*:\s*/, '');
  for (const token of tokens(body)) {
    const eq = token.indexOf('=');
    if (eq > 0) {
      const key = token.slice(0, eq).trim();
      const value = token.slice(eq + 1).trim();
      if (!VALUED.has(key)) throw new HushError('bad_request', `${where}: unknown hint "${key}=" (known: ${[...VALUED].join(', ')})`);
      settings[key] = LISTS.has(key) ? value.split('|').map((s) => s.trim()) : value;
    } else if (isVarType(token)) {
      if (settings.type !== undefined) throw new HushError('bad_request', `${where}: two types in one hint`);
      settings.type = token;
    } else if (token === 'optional' || token === 'required') {
      settings.optional = token === 'optional';
    } else {
      const what = token === '' ? 'an empty hint (two commas?)' : `unknown hint "${token}"`;
      throw new HushError('bad_request', `${where}: ${what} (use a type, optional, required or key=value)`);
    }
  }
  // `required` is the default; keep `optional = false` only to catch "required, default=…"
  if (settings.optional === false && settings.default === undefined) delete settings.optional;
  return settings;
}

/** Parses the text of a `.env.example`; `file` is used in messages. */
export function parseEnvExampleContract(text: string, file = '.env.example'): Contract {
  const lineStarts = [0];
  for (const m of text.matchAll(/\r\n|\r|\n/g)) lineStarts.push(m.index + m[0].length);
  const variables: VarSpec[] = [];
  for (const entry of parseEnvFile(text, file)) {
    const where = `${file}:${entry.line}`;
    let start = lineStarts[entry.line - 1]!;
    const lead = /^[ \t]*(export[ \t]+)?[ \t]*/.exec(text.slice(start))!;
    start += lead[0].length;
    const comment = trailingComment(text, start);
    const settings = comment !== undefined && isHint(comment) ? readHint(comment, where) : {};
    variables.push(defineVariable(entry.name, settings, where));
  }
  return makeContract(file, variables);
}
