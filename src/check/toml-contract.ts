/**
 * @module Reads a contract from `hush.toml`: one table per variable under `[env]`
 * (`[env.PORT]` with `type = "int"`, `max = 65535` …), or the short form `PORT = "int"` inside
 * `[env]`. Other top-level tables are left alone, for other tools' settings.
 */
import { parse, TomlError } from 'smol-toml';
import { HushError } from '../lib/errors.js';
import { defineVariable, makeContract } from './contract.js';
import type { Contract, VarSpec } from './contract.js';

function isTable(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Parses the text of a `hush.toml`; `file` is used in messages. */
export function parseTomlContract(text: string, file = 'hush.toml'): Contract {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    if (err instanceof TomlError) {
      const what = err.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
      throw new HushError('bad_request', `${file}:${err.line}:${err.column}: invalid TOML: ${what}`);
    }
    throw err;
  }
  const env = doc.env;
  if (env === undefined) throw new HushError('bad_request', `${file}: no [env] table (declare variables as [env.NAME] with a type)`);
  if (!isTable(env)) throw new HushError('bad_request', `${file}: env must be a table ([env.NAME] sections)`);
  const variables: VarSpec[] = [];
  for (const [name, decl] of Object.entries(env)) {
    const where = `${file}: env.${name}`;
    const key = (setting: string) => `${where}.${setting}`;
    if (typeof decl === 'string') variables.push(defineVariable(name, { type: decl }, where, () => where));
    else if (isTable(decl)) variables.push(defineVariable(name, decl, where, key));
    else throw new HushError('bad_request', `${where}: must be a table ([env.${name}] with type = …) or a type name`);
  }
  return makeContract(file, variables);
}
