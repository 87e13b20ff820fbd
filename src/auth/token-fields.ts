/**
 * @module Reading the fields of `auth/token/*` requests the way Vault's field decoder does:
 * JSON types or their string forms (`"true"`, `"3"`, `"a,b"`), with a `bad_request` naming the
 * field for anything else. Durations go through the shared `parseDurationSeconds` of `http/`.
 */
import { parseDurationSeconds } from '../lib/duration.js';
import { badRequest, isHushError } from '../lib/errors.js';

type Data = Readonly<Record<string, unknown>>;

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

export function readString(data: Data, field: string): string {
  const value = data[field];
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`${field} must be a string`);
}

export function readBool(data: Data, field: string, fallback = false): boolean {
  const value = data[field];
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && (value === 0 || value === 1)) return value === 1;
  if (typeof value === 'string' && TRUE.has(value)) return true;
  if (typeof value === 'string' && FALSE.has(value)) return false;
  throw badRequest(`${field} must be a boolean`);
}

export function readInt(data: Data, field: string): number {
  const value = data[field];
  if (value === undefined || value === null || value === '') return 0;
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value.trim()) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw badRequest(`${field} must be an integer`);
  return n;
}

/** A list of strings: a JSON array, or a comma-separated string. */
export function readStringList(data: Data, field: string): string[] {
  const value = data[field];
  if (value === undefined || value === null || value === '') return [];
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || !items.every((item) => typeof item === 'string')) {
    throw badRequest(`${field} must be a list of strings`);
  }
  return (items as string[]).map((item) => item.trim()).filter((item) => item !== '');
}

/** A map of strings to strings (Vault's `meta`). */
export function readStringMap(data: Data, field: string): Record<string, string> {
  const value = data[field];
  if (value === undefined || value === null || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${field} must be a map of strings`);
  const out = Object.create(null) as Record<string, string>;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    if (typeof item !== 'string') throw badRequest(`${field} must be a map of strings`);
    out[key] = item;
  }
  return out;
}

/**
 * Whole seconds from a duration field: a number, a numeric string or a Go-style duration
 * (`"1h30m"`, `"768h"`). Absent, null and `""` are 0.
 */
export function readDuration(data: Data, field: string): number {
  const value = data[field];
  if (value === undefined || value === null || value === '') return 0;
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw badRequest(`${field} must be a number of seconds or a duration such as "1h30m"`);
  }
  try {
    return parseDurationSeconds(value);
  } catch (err) {
    if (isHushError(err, 'bad_request')) {
      throw badRequest(`invalid ${field}: expected seconds or a duration like 30s, 5m, 1h30m`, err);
    }
    throw err;
  }
}

/** PEM lists: a JSON array, or one string holding one or more PEM blocks. */
export function readPemList(data: Data, field: string): string[] {
  const value = data[field];
  if (value === undefined || value === null || value === '') return [];
  if (typeof value === 'string') {
    const blocks = value.match(/-----BEGIN [^-]+-----[\s\S]*?-----END [^-]+-----/g);
    return blocks ?? [value];
  }
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw badRequest(`${field} must be a list of PEM strings`);
  return (value as string[]).map((v) => v.trim()).filter((v) => v !== '');
}
