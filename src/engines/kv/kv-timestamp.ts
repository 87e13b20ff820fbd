/**
 * @module Timestamps as Vault writes them: RFC 3339 in UTC with nanoseconds and trailing zeros
 * trimmed (Go's `time.RFC3339Nano`), e.g. `2018-03-22T02:24:06.945319214Z`. The sub-millisecond
 * digits come from the monotonic clock so that two writes in one millisecond still differ.
 */

/** A point in time: wall-clock milliseconds plus nanoseconds within that millisecond. */
export interface Instant {
  readonly ms: number;
  readonly subMsNanos: number;
}

export function now(): Instant {
  return { ms: Date.now(), subMsNanos: Number(process.hrtime.bigint() % 1_000_000n) };
}

/** `instant` shifted by `deltaMs` milliseconds. */
export function addMs(instant: Instant, deltaMs: number): Instant {
  return { ms: instant.ms + deltaMs, subMsNanos: instant.subMsNanos };
}

export function formatRfc3339Nano(instant: Instant): string {
  const iso = new Date(instant.ms).toISOString(); // 2018-03-22T02:24:06.945Z
  const fraction = `${iso.slice(20, 23)}${String(instant.subMsNanos).padStart(6, '0')}`.replace(/0+$/, '');
  return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}Z`;
}

/** Milliseconds since the epoch of an RFC 3339 timestamp written by {@link formatRfc3339Nano}. */
export function parseRfc3339Ms(text: string): number {
  const m = /^(.{19})(?:\.(\d+))?Z$/.exec(text);
  if (!m) return Number.NaN;
  return Date.parse(`${m[1]}.${(m[2] ?? '').slice(0, 3).padEnd(3, '0')}Z`);
}
