/**
 * @module Durations as Vault reads and prints them: input as seconds (number or numeric
 * string) or a Go duration string (`90s`, `1h30m`, `1.5h`, `500ms`, also `d`), output in Go's
 * `time.Duration.String()` form (`0s`, `1h30m0s`, `500ms`). Held as whole milliseconds.
 */
import { badRequest } from '../../lib/errors.js';

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

/** Parses a duration field into milliseconds. Errors name the field, never echo the input. */
export function parseDurationMs(raw: unknown, field: string): number {
  const invalid = () => badRequest(`invalid duration for "${field}"`);
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw) || raw < 0) throw invalid();
    return Math.round(raw * 1000);
  }
  if (typeof raw !== 'string') throw invalid();
  const text = raw.trim();
  if (text === '') return 0;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ''] ?? Number.NaN);
    consumed = re.lastIndex;
  }
  if (consumed !== text.length || !Number.isFinite(total)) throw invalid();
  return Math.round(total);
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
