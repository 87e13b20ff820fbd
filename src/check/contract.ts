/**
 * @module The environment contract of a project: which variables it needs and of which type.
 * Both file formats (`hush.toml`, `.env.example` with hints) produce the same raw settings and
 * go through {@link defineVariable}, so the rules about what a declaration may say live in one
 * place. Contract files are committed and hold no secrets, so errors may quote them; they
 * always name the file and the key or line.
 */
import { HushError } from '../lib/errors.js';
import { validateValue } from './validators.js';

/** The types a variable can be declared with. */
export const VAR_TYPES = ['str', 'int', 'bool', 'url', 'list', 'json', 'database-url'] as const;
export type VarType = (typeof VAR_TYPES)[number];

/** One declared variable, checked and complete. */
export interface VarSpec {
  readonly name: string;
  readonly type: VarType;
  /** May be unset (or empty). True whenever there is a default. */
  readonly optional: boolean;
  /** Applied by `hush run --check` when the variable is unset. */
  readonly default?: string;
  readonly description?: string;
  /** `str`: the whole value must match (`regex` is `source`, anchored). */
  readonly pattern?: { readonly source: string; readonly regex: RegExp };
  readonly minLength?: number;
  readonly maxLength?: number;
  /** `int` bounds, inclusive. */
  readonly min?: bigint;
  readonly max?: bigint;
  /** `list` item separator (`,` unless declared). */
  readonly separator: string;
  /** `str`: the allowed values; `list`: the allowed items. */
  readonly choices?: readonly string[];
  /** `url`: the allowed schemes, lower case, without `:`. */
  readonly schemes?: readonly string[];
  /** Where it was declared, for messages (`hush.toml: env.PORT`, `.env.example:4`). */
  readonly where: string;
}

export interface Contract {
  /** The file, as given or found. */
  readonly file: string;
  readonly variables: readonly VarSpec[];
}

/** The settings a declaration may carry, as read from a file (values not yet checked). */
export type RawSettings = Readonly<Record<string, unknown>>;

/** Setting names as written in both formats. */
const SETTINGS = [
  'type',
  'optional',
  'default',
  'description',
  'pattern',
  'min_length',
  'max_length',
  'min',
  'max',
  'separator',
  'choices',
  'schemes',
] as const;

/** Which settings make sense for which type (the rest apply to all). */
const ONLY_FOR: Readonly<Record<string, readonly VarType[]>> = {
  pattern: ['str'],
  min_length: ['str'],
  max_length: ['str'],
  min: ['int'],
  max: ['int'],
  separator: ['list'],
  choices: ['str', 'list'],
  schemes: ['url'],
};

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function contractError(where: string, what: string): HushError {
  return new HushError('bad_request', `${where}: ${what}`);
}

/** True for a known type name. */
export function isVarType(value: unknown): value is VarType {
  return typeof value === 'string' && (VAR_TYPES as readonly string[]).includes(value);
}

/**
 * Checks one declaration and returns it complete. `where` locates it for messages; `key`
 * builds the location of one setting (`env.PORT.min` in TOML, the line in `.env.example`).
 */
export function defineVariable(name: string, raw: RawSettings, where: string, key: (setting: string) => string = () => where): VarSpec {
  if (!NAME.test(name)) throw contractError(where, `"${name}" is not a valid environment variable name`);
  for (const setting of Object.keys(raw)) {
    if (!(SETTINGS as readonly string[]).includes(setting)) {
      throw contractError(key(setting), `unknown setting "${setting}" (known: ${SETTINGS.join(', ')})`);
    }
  }
  const typeName = raw.type ?? 'str';
  if (!isVarType(typeName)) throw contractError(key('type'), `unknown type ${JSON.stringify(typeName)} (use ${VAR_TYPES.join(', ')})`);
  const type: VarType = typeName;
  for (const [setting, types] of Object.entries(ONLY_FOR)) {
    if (raw[setting] !== undefined && !types.includes(type)) throw contractError(key(setting), `${setting} applies only to ${types.join(' and ')}, not ${type}`);
  }

  const text = (setting: string): string | undefined => {
    const v = raw[setting];
    if (v === undefined) return undefined;
    if (typeof v !== 'string') throw contractError(key(setting), 'must be a string');
    return v;
  };
  const count = (setting: string): number | undefined => {
    const v = raw[setting];
    if (v === undefined) return undefined;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' && typeof n !== 'bigint') throw contractError(key(setting), 'must be a whole number, 0 or more');
    if (!Number.isSafeInteger(Number(n)) || Number(n) < 0) throw contractError(key(setting), 'must be a whole number, 0 or more');
    return Number(n);
  };
  const bound = (setting: string): bigint | undefined => {
    const v = raw[setting];
    if (v === undefined) return undefined;
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    if (typeof v === 'string' && /^[+-]?\d+$/.test(v)) return BigInt(v);
    throw contractError(key(setting), 'must be an integer');
  };
  const strings = (setting: string): string[] | undefined => {
    const v = raw[setting];
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || v.length === 0 || !v.every((x): x is string => typeof x === 'string')) {
      throw contractError(key(setting), 'must be a non-empty list of strings');
    }
    return v;
  };

  const optionalRaw = raw.optional;
  if (optionalRaw !== undefined && typeof optionalRaw !== 'boolean') throw contractError(key('optional'), 'must be true or false');
  let defaultValue: string | undefined;
  const d = raw.default;
  if (d !== undefined) {
    if (typeof d === 'string') defaultValue = d;
    else if (typeof d === 'number' || typeof d === 'bigint' || typeof d === 'boolean') defaultValue = String(d);
    else throw contractError(key('default'), 'must be a string, a number or a boolean');
    if (optionalRaw === false) throw contractError(key('optional'), 'a variable with a default is optional, it cannot also be required');
  }

  let pattern: VarSpec['pattern'];
  const source = text('pattern');
  if (source !== undefined) {
    try {
      pattern = { source, regex: new RegExp(`^(?:${source})$`, 'u') };
    } catch {
      throw contractError(key('pattern'), 'is not a valid regular expression');
    }
  }
  const separator = text('separator') ?? ',';
  if (separator === '') throw contractError(key('separator'), 'must not be empty');
  const min = bound('min');
  const max = bound('max');
  if (min !== undefined && max !== undefined && min > max) throw contractError(key('min'), 'is above max');
  const minLength = count('min_length');
  const maxLength = count('max_length');
  if (minLength !== undefined && maxLength !== undefined && minLength > maxLength) throw contractError(key('min_length'), 'is above max_length');

  const spec: VarSpec = {
    name,
    type,
    optional: optionalRaw === true || defaultValue !== undefined,
    default: defaultValue,
    description: text('description'),
    pattern,
    minLength,
    maxLength,
    min,
    max,
    separator,
    choices: strings('choices'),
    schemes: strings('schemes')?.map((s) => s.toLowerCase().replace(/:$/, '')),
    where,
  };
  if (defaultValue !== undefined) {
    const problem = validateValue(spec, defaultValue);
    if (problem !== undefined) throw contractError(key('default'), `the default does not pass its own check: ${problem}`);
  }
  return spec;
}

/** Builds a contract, refusing a variable declared twice. */
export function makeContract(file: string, variables: readonly VarSpec[]): Contract {
  const seen = new Map<string, VarSpec>();
  for (const v of variables) {
    const first = seen.get(v.name);
    if (first) throw contractError(v.where, `${v.name} is declared twice (first at ${first.where})`);
    seen.set(v.name, v);
  }
  return { file, variables };
}
