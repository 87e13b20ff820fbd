/**
 * @module Vault durations: `"30s"`, `"5m"`, `"1h30m"`, `"768h"`, `"7d"`, a bare integer (seconds)
 * or a number. Everything that reads a TTL from a client (headers, request fields, configuration)
 * parses it here, so `"1h"` means the same thing everywhere.
 */
import { HushError } from '../lib/errors.js';

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  'µs': 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
};

/** One `<number><unit>` term, anchored where the previous term ended (sticky). */
const TERM = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h|d)/y;
const INTEGER = /^\d+$/;

/** Largest duration accepted: 100 years, far beyond any sensible TTL and safe for arithmetic. */
const MAX_SECONDS = 100 * 365 * 86_400;

/**
 * Parses a Vault duration into whole seconds (fractions are truncated, as Vault does).
 * Throws HushError('bad_request') for anything else, including negative values.
 *
 * @example parseDurationSeconds('1h30m') // 5400
 * @example parseDurationSeconds('300')   // 300
 * @example parseDurationSeconds(45)      // 45
 */
export function parseDurationSeconds(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0 || input > MAX_SECONDS) throw invalid();
    return Math.floor(input);
  }
  const text = input.trim();
  if (INTEGER.test(text)) return checked(Number(text));
  if (text === '') throw invalid();
  let total = 0;
  let at = 0;
  while (at < text.length) {
    TERM.lastIndex = at;
    const match = TERM.exec(text);
    if (match === null) throw invalid();
    const [whole, amount, unit] = match as unknown as [string, string, string];
    total += Number(amount) * (SECONDS_PER_UNIT[unit] ?? 0);
    at += whole.length;
  }
  return checked(Math.floor(total));
}

function checked(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds > MAX_SECONDS) throw invalid();
  return seconds;
}

function invalid(): HushError {
  // The input is not echoed: durations are harmless, but the habit keeps errors free of input.
  return new HushError('bad_request', 'invalid duration: expected seconds or a duration like 30s, 5m, 1h30m');
}
