/**
 * @module Finds and reads the contract: `--contract FILE`, else `hush.toml`, else `.env.example`
 * in the current directory. A file whose name ends in `.toml` is read as `hush.toml`, any other
 * as a `.env.example` (so `.env.template` or `env.sample` work with `--contract`).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { HushError } from '../lib/errors.js';
import type { Contract } from './contract.js';
import { parseEnvExampleContract } from './env-example-contract.js';
import { parseTomlContract } from './toml-contract.js';

/** The files looked for, in order, when no `--contract` is given. */
export const CONTRACT_FILES = ['hush.toml', '.env.example'] as const;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new HushError('bad_request', `cannot read the contract ${file}: ${code ?? 'error'}`);
  }
}

/** Reads the contract named by `--contract` (when given) or found in `cwd`. */
export function loadContract(contractFlag: string | undefined, cwd: string = process.cwd()): Contract {
  let file: string | undefined;
  let text: string | undefined;
  if (contractFlag !== undefined) {
    file = contractFlag;
    text = read(resolve(cwd, contractFlag));
    if (text === undefined) throw new HushError('bad_request', `contract ${contractFlag} not found`);
  } else {
    for (const name of CONTRACT_FILES) {
      text = read(resolve(cwd, name));
      if (text !== undefined) {
        file = name;
        break;
      }
    }
    if (file === undefined || text === undefined) {
      throw new HushError('bad_request', 'no contract here: create hush.toml or .env.example, or pass --contract FILE (see docs/check.md)');
    }
  }
  return file.endsWith('.toml') ? parseTomlContract(text, file) : parseEnvExampleContract(text, file);
}
