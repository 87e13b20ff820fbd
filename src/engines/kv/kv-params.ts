/**
 * @module Reading request fields the way Vault's framework coerces them (numbers may arrive as
 * strings from query parameters, versions as a list or a comma-separated string) and checking
 * key paths. Every error names the field only: a malformed value is never echoed, since it
 * may be a secret sent to the wrong field.
 */
import { badRequest, notFound } from '../../lib/errors.js';
import type { EngineRequest, EngineResponse } from '../engine.js';
import { isPlainObject } from './merge-patch.js';
import type { JsonObject } from './merge-patch.js';

/** The field from the body, falling back to the query string. */
export function field(req: EngineRequest, name: string): unknown {
  const value = req.data[name];
  return value === undefined || value === null ? req.query[name] : value;
}

/** A non-negative integer field; `undefined` when absent. */
export function intField(raw: unknown, name: string): number | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw badRequest(`invalid value for "${name}": expected a non-negative integer`);
  }
  return n;
}

/** A boolean field (JSON boolean or `"true"`/`"false"`); `undefined` when absent. */
export function boolField(raw: unknown, name: string): boolean | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'boolean') return raw;
  if (raw === 'true' || raw === '1' || raw === 1) return true;
  if (raw === 'false' || raw === '0' || raw === 0) return false;
  throw badRequest(`invalid value for "${name}": expected a boolean`);
}

/** Vault's comma-int-slice: `[1, 2]`, `"1,2"` or `3`. Empty → error 'no version number provided'. */
export function versionsField(raw: unknown): number[] {
  const items =
    raw === undefined || raw === null
      ? []
      : Array.isArray(raw)
        ? raw
        : typeof raw === 'string'
          ? raw.split(',').filter((s) => s.trim() !== '')
          : [raw];
  const versions = items.map((item) => intField(typeof item === 'string' ? item.trim() : item, 'versions'));
  const list = versions.filter((v): v is number => v !== undefined);
  if (list.length === 0) throw badRequest('no version number provided');
  return list;
}

const CUSTOM_METADATA = 'custom_metadata validation failed';

/**
 * `custom_metadata`: string keys to string values (numbers and booleans are turned into
 * strings, as Vault's weak decoding does), at most 64 keys of 1–128 characters and values of
 * 1–512 printable characters. With `allowNull` (PATCH) a null value is kept: it removes the key.
 */
export function customMetadataField(raw: unknown, allowNull = false): Record<string, string | null> {
  if (!isPlainObject(raw)) throw badRequest('invalid value for "custom_metadata": expected an object');
  const entries = Object.entries(raw);
  if (entries.length > 64) throw badRequest(`${CUSTOM_METADATA}: payload must contain at most 64 keys`);
  const result: Record<string, string | null> = {};
  for (const [key, value] of entries) {
    if (key.length === 0 || key.length > 128 || !PRINTABLE.test(key)) {
      throw badRequest(`${CUSTOM_METADATA}: keys must be 1 to 128 printable characters`);
    }
    if (value === null && allowNull) {
      result[key] = null;
      continue;
    }
    const text = typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
    if (typeof text !== 'string') throw badRequest(`${CUSTOM_METADATA}: values must be strings`);
    if (text.length === 0 || text.length > 512 || !PRINTABLE.test(text)) {
      throw badRequest(`${CUSTOM_METADATA}: values must be 1 to 512 printable characters`);
    }
    result[key] = text;
  }
  return result;
}

// eslint-disable-next-line no-control-regex
const PRINTABLE = /^[^\u0000-\u001f\u007f]*$/u;

/** The `data` object of a KV v2 write or patch. */
export function dataField(req: EngineRequest): JsonObject {
  const data = req.data['data'];
  if (data === undefined || data === null) throw badRequest('no data provided');
  if (!isPlainObject(data)) throw badRequest('invalid value for "data": expected an object');
  return data;
}

/** The check-and-set version from `options.cas`, if given. */
export function casOption(req: EngineRequest): number | undefined {
  const options = req.data['options'];
  if (options === undefined || options === null) return undefined;
  if (!isPlainObject(options)) throw badRequest('invalid value for "options": expected an object');
  return intField(options['cas'], 'options.cas');
}

/** A key path: non-empty `/`-separated segments, no `.`/`..`, no leading or trailing `/`. */
export function checkKeyPath(path: string): string {
  if (path === '' || path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    throw badRequest('invalid key path');
  }
  return path;
}

/** A key path for reads and deletes: an invalid one is simply not there (`not_found`). */
export function existingKeyPath(path: string | undefined): string {
  try {
    return checkKeyPath(path ?? '');
  } catch {
    throw notFound();
  }
}

/** A folder for listing: `''` (the root) or `a/b/` (a trailing `/` is added). */
export function folderPath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return `${checkKeyPath(trimmed)}/`;
}

/** True when a request's `Content-Type` is JSON Merge Patch, as Vault's PATCH requires. */
export function isMergePatch(req: EngineRequest): boolean {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return type === 'application/merge-patch+json';
}

/** Vault's answer to a PATCH without the merge-patch content type (HTTP 415). */
export function mergePatchRequired(): EngineResponse {
  return { status: 415, errors: ['PATCH requires Content-Type application/merge-patch+json'] };
}
