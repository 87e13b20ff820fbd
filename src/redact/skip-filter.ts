/**
 * @module A Wu-Manber style skip table in front of the byte automaton. Scanning every byte with
 * the automaton costs one table lookup per byte in JavaScript; most output contains no secret,
 * so instead we slide a window of `m` bytes (`m` = the shortest pattern's length) and look only
 * at its last three bytes: if they occur nowhere in the first `m` bytes of any pattern, no
 * pattern can start anywhere in the window's first `m - 2` positions and the window jumps that
 * far. Only where the table says "maybe" (and the window's first two bytes do start a pattern)
 * does the automaton run. The table never says "no" wrongly, so nothing is missed.
 */

/** Width of the block hashed into the shift table. */
export const BLOCK = 3;

export interface SkipFilter {
  /** Window length: the shortest pattern's length (at most 200). */
  readonly m: number;
  /** Indexed by {@link blockHash} of a window's last 3 bytes: how far it may jump (0 = maybe). */
  readonly shift: Uint8Array;
  /** Indexed by `b0 << 8 | b1`: 1 when some pattern starts with those two bytes. */
  readonly start2: Uint8Array;
}

/** Hash of three bytes into 18 bits. */
export function blockHash(b0: number, b1: number, b2: number): number {
  return (b0 << 10) ^ (b1 << 5) ^ b2;
}

/** Builds the filter; every pattern must be at least 4 bytes long. */
export function compileSkipFilter(patterns: readonly Uint8Array[]): SkipFilter {
  let m = 200;
  for (const p of patterns) m = Math.min(m, p.length);
  if (m < BLOCK + 1) throw new Error('patterns must be at least 4 bytes long');
  const shift = new Uint8Array(1 << 18).fill(m - BLOCK + 1);
  const start2 = new Uint8Array(1 << 16);
  for (const p of patterns) {
    start2[(p[0]! << 8) | p[1]!] = 1;
    for (let q = BLOCK; q <= m; q++) {
      const h = blockHash(p[q - 3]!, p[q - 2]!, p[q - 1]!);
      if (shift[h]! > m - q) shift[h] = m - q;
    }
  }
  return { m, shift, start2 };
}
