/**
 * @module Lets the event loop run between steps of a long background job (a sweep over every
 * stored token). Storage reads that SQLite answers at once resolve as microtasks, so a loop of
 * awaits alone would hold the event loop until the whole job is done.
 */

/** Resolves on the event loop's next turn, after pending I/O callbacks. */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** How many steps a background job takes between two {@link nextTurn}s. */
export const STEPS_PER_TURN = 64;
