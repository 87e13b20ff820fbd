/**
 * @module A settable clock for the auth tests: `now()` in Unix milliseconds, `advance(seconds)`.
 */

export interface FakeClock {
  readonly now: () => number;
  advance(seconds: number): void;
}

export function createFakeClock(start = Date.UTC(2026, 0, 1, 12, 0, 0)): FakeClock {
  let t = start;
  return {
    now: () => t,
    advance(seconds) {
      t += seconds * 1000;
    },
  };
}
