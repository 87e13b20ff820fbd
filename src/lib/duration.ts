/**
 * @module Durations as Vault reads and prints them. Input: seconds (a number or numeric string)
 * or a Go duration string (`90s`, `1h30m`, `1.5h`, `500ms`, also `d`); output in Go's
 * `time.Duration.String()` form (`0s`, `1h30m0s`, `500ms`). Everything that reads a TTL from a
 * client (headers, request fields, configuration) parses it here, so `"1h"` means the same
 * everywhere. Errors name the field and never echo the input.
 */
import { badRequest } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Largest duration accepted: 100 years, far beyond any sensible TTL and safe for arithmetic. */
const MAX_MS = 100 * 365 * 86_400_000;

/** Parses a duration into whole milliseconds; an empty string is 0 (Vault's "unset"). */
export function parseDurationMs(raw: unknown, field = 'duration'): number {
  const invalid = () =>
    badRequest(`invalid ${field === 'duration' ? 'duration' : `duration for "${field}"`}: expected seconds or a duration like 30s, 5m, 1h30m`);
  let total: number;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw < 0) throw invalid();
    total = Math.round(raw * 1000);
  } else if (typeof raw !== 'string') {
    throw invalid();
  } else {
    const text = raw.trim();
    if (text === '') return 0;
    if (/^\d+(\.\d+)?$/.test(text)) total = Math.round(Number(text) * 1000);
    else {
      const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/gy;
      let sum = 0;
      let consumed = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        sum += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
        consumed = re.lastIndex;
      }
      if (consumed !== text.length || !Number.isFinite(sum)) throw invalid();
      total = Math.round(sum);
    }
  }
  if (total > MAX_MS) throw invalid();
  return total;
}

/**
 * Parses a duration into whole seconds (fractions truncated, as Vault does). Unlike
 * {@link parseDurationMs}, an empty string is an error: callers use it for values that were given.
 *
 * @example parseDurationSeconds('1h30m') // 5400
 * @example parseDurationSeconds('300')   // 300
 */
export function parseDurationSeconds(input: unknown, field = 'duration'): number {
  if (typeof input === 'string' && input.trim() === '') throw badRequest(`invalid duration: "${field}" is empty`);
  return Math.floor(parseDurationMs(input, field) / 1000);
}

/** Formats milliseconds like Go's `time.Duration.String()`. */
export function formatDurationMs(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const secMs = ms % 60_000;
  const seconds = secMs % 1000 === 0 ? String(secMs / 1000) : (secMs / 1000).toFixed(3).replace(/0+$/, '');
  if (hours > 0) return `${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** Formats whole seconds like Go's `time.Duration.String()`. */
export function formatDurationSeconds(seconds: number): string {
  return formatDurationMs(Math.max(0, Math.floor(seconds)) * 1000);
}
