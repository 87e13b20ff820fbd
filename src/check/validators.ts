/**
 * @module The type checks of `hush check`: one per declared type, each answering with what is
 * wrong (`not a bool`, `above max 65535`) or `undefined` when the value is fine. The value may be
 * a secret, so a problem never contains it or any part of it; it may quote the contract (bounds,
 * choices, patterns), which is committed and public.
 */
import type { VarSpec } from './contract.js';
import { checkDatabaseUrl } from './database-url.js';

/** Spellings python-decouple and django-environ both read as meant (`t` is false to environ). */
const BOOLEANS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', '1', '0']);

/** Type-specific checks; `value` is not empty. */
type Check = (spec: VarSpec, value: string) => string | undefined;

function checkStr(spec: VarSpec, value: string): string | undefined {
  const length = [...value].length;
  if (spec.minLength !== undefined && length < spec.minLength) return `shorter than ${spec.minLength} characters`;
  if (spec.maxLength !== undefined && length > spec.maxLength) return `longer than ${spec.maxLength} characters`;
  if (spec.choices && !spec.choices.includes(value)) return `not one of ${spec.choices.join(', ')}`;
  if (spec.pattern && !spec.pattern.regex.test(value)) return `does not match the pattern ${spec.pattern.source}`;
  return undefined;
}

function checkInt(spec: VarSpec, value: string): string | undefined {
  if (!/^[+-]?\d+$/.test(value)) return 'not an integer';
  const n = BigInt(value);
  if (spec.min !== undefined && n < spec.min) return `below min ${spec.min}`;
  if (spec.max !== undefined && n > spec.max) return `above max ${spec.max}`;
  return undefined;
}

function checkBool(_spec: VarSpec, value: string): string | undefined {
  return BOOLEANS.has(value.toLowerCase()) ? undefined : 'not a bool (use true/false, yes/no, on/off or 1/0)';
}

function checkUrl(spec: VarSpec, value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'not a URL';
  }
  if (url.hostname === '') return 'not a URL with a host';
  const scheme = url.protocol.slice(0, -1);
  if (spec.schemes && !spec.schemes.includes(scheme)) return `the scheme is not ${spec.schemes.join(' or ')}`;
  return undefined;
}

function checkList(spec: VarSpec, value: string): string | undefined {
  const items = value.split(spec.separator).map((item) => item.trim());
  const empty = items.findIndex((item) => item === '');
  if (empty >= 0) return `item ${empty + 1} of the list is empty`;
  if (spec.choices) {
    const bad = items.findIndex((item) => !spec.choices!.includes(item));
    if (bad >= 0) return `item ${bad + 1} of the list is not one of ${spec.choices.join(', ')}`;
  }
  return undefined;
}

function checkJson(_spec: VarSpec, value: string): string | undefined {
  try {
    JSON.parse(value);
    return undefined;
  } catch {
    return 'not valid JSON';
  }
}

const CHECKS: Readonly<Record<VarSpec['type'], Check>> = {
  str: checkStr,
  int: checkInt,
  bool: checkBool,
  url: checkUrl,
  list: checkList,
  json: checkJson,
  'database-url': (_spec, value) => checkDatabaseUrl(value),
};

/** Types whose readers choke on, or silently keep, surrounding whitespace (a pasted newline). */
const TRIM_SENSITIVE = new Set<VarSpec['type']>(['int', 'bool', 'url', 'database-url']);

/**
 * What is wrong with `value` for `spec`, or `undefined`. An empty value is fine for an optional
 * variable (CI systems set a missing secret to ""); for a required one it is `empty`.
 */
export function validateValue(spec: VarSpec, value: string): string | undefined {
  if (value === '') return spec.optional ? undefined : 'empty';
  if (TRIM_SENSITIVE.has(spec.type) && value.trim() !== value) return 'has leading or trailing whitespace';
  return CHECKS[spec.type](spec, value);
}
