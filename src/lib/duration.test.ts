import { describe, expect, it } from 'vitest';
import { isHushError } from './errors.js';
import { formatDurationMs, formatDurationSeconds, parseDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  it.each([
    [0, 0],
    [30, 30_000],
    ['45', 45_000],
    ['', 0],
    ['0s', 0],
    ['90s', 90_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['500ms', 500],
    ['2d', 172_800_000],
    ['3h25m19s', 12_319_000],
  ] as const)('%j → %d ms', (input, ms) => {
    expect(parseDurationMs(input, 'x')).toBe(ms);
  });

  it.each([['abc'], ['1x'], [-1], [true], ['1h-'], [{}]])('rejects %j without echoing it', (input) => {
    try {
      parseDurationMs(input, 'delete_version_after');
      expect.unreachable();
    } catch (err) {
      expect(isHushError(err, 'bad_request')).toBe(true);
      expect((err as Error).message).toBe('invalid duration for "delete_version_after": expected seconds or a duration like 30s, 5m, 1h30m');
    }
  });
});

describe('formatDurationMs', () => {
  it.each([
    [0, '0s'],
    [500, '500ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [120_000, '2m0s'],
    [3_600_000, '1h0m0s'],
    [12_319_000, '3h25m19s'],
    [172_800_000, '48h0m0s'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});

describe('formatDurationSeconds', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [1800, '30m0s'],
    [2764800, '768h0m0s'],
    [5415, '1h30m15s'],
  ])('%d → %s', (seconds, text) => {
    expect(formatDurationSeconds(seconds)).toBe(text);
  });
});
