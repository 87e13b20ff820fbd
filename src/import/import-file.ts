/**
 * @module Reads the file `hush import` takes into name → string pairs:
 *
 * - `dotenv`: python-dotenv's syntax (`src/run/env-file.ts`), then `${VAR}` expansion
 *   (`dotenv-expansion.ts`) unless turned off;
 * - `json`: one flat object; strings are taken as they are, anything else (numbers, booleans,
 *   null, nested objects and arrays) as its JSON text, so `5432` is stored as "5432";
 * - `yaml`: one flat mapping; scalars are taken as written (`1.10` stays "1.10", `yes` stays
 *   "yes", `~` stays "~"), nested mappings and sequences as JSON text.
 *
 * The format comes from the file name when not given: `.json`, `.yaml`/`.yml`, anything else
 * (`.env`, `.env.local`, `prod.env`, …) is dotenv. Errors name the file (and line), never a value.
 */
import { basename } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { HushError } from '../lib/errors.js';
import { parseEnvFile } from '../run/env-file.js';
import { expandDotenvVariables } from './dotenv-expansion.js';

export const IMPORT_FORMATS = ['dotenv', 'json', 'yaml'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/** The format a file name implies. */
export function formatFromName(file: string): ImportFormat {
  const name = basename(file).toLowerCase();
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  return 'dotenv';
}

export interface ReadImportOptions {
  readonly format: ImportFormat;
  /** Expand `${VAR}` in dotenv values (default true). */
  readonly expand?: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fromMapping(mapping: unknown, literal: Readonly<Record<string, unknown>>, file: string, what: string): Map<string, string> {
  if (!isRecord(mapping)) throw new HushError('bad_request', `${file}: expected ${what} of NAME: value pairs at the top level`);
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(mapping)) {
    if (key === '') throw new HushError('bad_request', `${file}: a key is empty`);
    const text = literal[key];
    out.set(key, typeof text === 'string' ? text : typeof value === 'string' ? value : JSON.stringify(value));
  }
  return out;
}

function syntaxError(file: string, what: string, err: unknown): HushError {
  // the parsers' messages quote the offending text, which may be a secret: give only the place
  const pos = (err as { linePos?: { line: number }[] }).linePos?.[0]?.line;
  return new HushError('bad_request', `${file}${pos !== undefined ? `:${pos}` : ''}: not valid ${what}`, { cause: err });
}

/** Parses `text` (the content of `file`) into name → value, in file order. */
export function readImportFile(text: string, file: string, opts: ReadImportOptions): Map<string, string> {
  if (opts.format === 'dotenv') {
    const entries = parseEnvFile(text, file);
    const expanded = opts.expand === false ? entries : expandDotenvVariables(entries, file);
    return new Map(expanded.map((e) => [e.name, e.value]));
  }
  if (opts.format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw syntaxError(file, 'JSON', err);
    }
    return fromMapping(parsed, {}, file, 'an object');
  }
  let typed: unknown;
  let literal: unknown;
  try {
    // logLevel 'error': yaml otherwise prints its warnings (an unknown `!tag`…) to stderr with
    // the offending source line, which may hold a secret
    typed = parseYaml(text, { logLevel: 'error' });
    literal = parseYaml(text, { schema: 'failsafe', logLevel: 'error' });
  } catch (err) {
    throw syntaxError(file, 'YAML', err);
  }
  return fromMapping(typed, isRecord(literal) ? literal : {}, file, 'a mapping');
}
