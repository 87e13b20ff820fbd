/**
 * @module `${NAME}` and `${NAME:-default}` in `.env` values, expanded the way python-dotenv does
 * (so an import stores what `load_dotenv()` would have given the app): in every value, quoted
 * or not (python-dotenv expands inside single quotes too), `$NAME` without braces is literal,
 * and a defined-but-empty NAME gives "" rather than the default. One difference, on purpose:
 * only variables defined earlier in the same file are used, never the environment of the
 * process running the import (which would quietly copy CI variables into secrets); a reference
 * to anything else without a default is an error naming the variable and the reference.
 */
import { HushError } from '../lib/errors.js';
import type { EnvEntry } from '../run/env-file.js';

/** python-dotenv's pattern: name up to `}` or `:`, optional `:-default` up to `}`. */
const VARIABLE = /\$\{([^}:]*)(?::-([^}]*))?\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Returns the entries with every value expanded; `file` is for messages only. */
export function expandDotenvVariables(entries: readonly EnvEntry[], file: string): EnvEntry[] {
  const defined = new Map<string, string>();
  return entries.map((entry) => {
    const value = entry.value.replace(VARIABLE, (_match, name: string, fallback: string | undefined) => {
      const known = defined.get(name);
      if (known !== undefined) return known;
      if (fallback !== undefined) return fallback;
      // what is between the braces may be part of a secret (a password with `${`): quote it only
      // when it is a variable name
      const named = NAME.test(name);
      throw new HushError(
        'bad_request',
        `${file}:${entry.line}: ${entry.name} refers to ${named ? `\${${name}}` : '${…}'}, which the file does not define before it (use ${named ? `\${${name}:-default}, define it earlier, or ` : ''}--no-expand to keep values literal)`,
      );
    });
    defined.set(entry.name, value);
    return { ...entry, value };
  });
}
