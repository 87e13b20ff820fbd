import { describe, expect, it } from 'vitest';
import { addMs, formatRfc3339Nano, now, parseRfc3339Ms } from './kv-timestamp.js';

describe('kv timestamps', () => {
  it('formats with nanoseconds and trims trailing zeros like Go', () => {
    const ms = Date.UTC(2018, 2, 22, 2, 24, 6, 945);
    expect(formatRfc3339Nano({ ms, subMsNanos: 319214 })).toBe('2018-03-22T02:24:06.945319214Z');
    expect(formatRfc3339Nano({ ms, subMsNanos: 300000 })).toBe('2018-03-22T02:24:06.9453Z');
    expect(formatRfc3339Nano({ ms: Date.UTC(2018, 2, 22), subMsNanos: 0 })).toBe('2018-03-22T00:00:00Z');
  });

  it('round-trips to milliseconds', () => {
    const t = now();
    expect(parseRfc3339Ms(formatRfc3339Nano(t))).toBe(t.ms);
    expect(parseRfc3339Ms(formatRfc3339Nano(addMs(t, 1500)))).toBe(t.ms + 1500);
    expect(parseRfc3339Ms('garbage')).toBeNaN();
  });

  it('matches the shape Vault clients parse', () => {
    expect(formatRfc3339Nano(now())).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  });
});
