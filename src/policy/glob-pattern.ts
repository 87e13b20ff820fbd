/**
 * @module Matching of non-exact policy patterns (`secret/*`, `secret/+/config`, `+/x/+*`) and
 * Vault's documented priority between them. For patterns P1 and P2 that both match a path, P1
 * has LOWER priority when, in this order:
 *   1. its first wildcard (`+` or `*`) occurs earlier;
 *   2. it ends in `*` and P2 does not;
 *   3. it has more `+` segments;
 *   4. it is shorter;
 *   5. it is smaller lexicographically.
 * Exact patterns are not handled here: they always beat any glob.
 */

/** A compiled pattern; {@link compareGlobPriority} sorts these highest priority first. */
export interface GlobPattern {
  readonly pattern: string;
  /** Index of the first `+` or `*` in the pattern. */
  readonly firstWildcard: number;
  readonly isPrefix: boolean;
  readonly plusCount: number;
  /** `matches(path)` is true when the pattern covers the path. */
  readonly matches: (path: string) => boolean;
}

/** Compiles a pattern that contains `*` at the end and/or `+` segments. */
export function compileGlob(pattern: string): GlobPattern {
  const isPrefix = pattern.endsWith('*');
  const segments = pattern.split('/');
  const plusCount = segments.filter((s) => s === '+' || s === '+*').length;
  const firstPlus = segmentWildcardIndex(segments);
  const star = isPrefix ? pattern.length - 1 : -1;
  const firstWildcard = firstPlus === -1 ? star : star === -1 ? firstPlus : Math.min(firstPlus, star);
  let matches: (path: string) => boolean;
  if (plusCount === 0) {
    const prefix = pattern.slice(0, -1);
    matches = (path) => path.startsWith(prefix);
  } else {
    matches = (path) => matchSegments(segments, isPrefix, path);
  }
  return { pattern, firstWildcard, isPrefix, plusCount, matches };
}

function segmentWildcardIndex(segments: readonly string[]): number {
  let offset = 0;
  for (const seg of segments) {
    if (seg === '+' || seg === '+*') return offset;
    offset += seg.length + 1;
  }
  return -1;
}

function matchSegments(segments: readonly string[], isPrefix: boolean, path: string): boolean {
  const parts = path.split('/');
  const n = segments.length;
  if (isPrefix ? parts.length < n : parts.length !== n) return false;
  const fixed = isPrefix ? n - 1 : n;
  for (let i = 0; i < fixed; i++) {
    const seg = segments[i]!;
    if (seg !== '+' && seg !== parts[i]) return false;
  }
  if (!isPrefix) return true;
  const last = segments[n - 1]!;
  if (last === '+*') return true;
  const rest = parts.slice(n - 1).join('/');
  return rest.startsWith(last.slice(0, -1));
}

/** Negative when `a` has HIGHER priority than `b` (sorts highest first). */
export function compareGlobPriority(a: GlobPattern, b: GlobPattern): number {
  if (a.firstWildcard !== b.firstWildcard) return b.firstWildcard - a.firstWildcard;
  if (a.isPrefix !== b.isPrefix) return a.isPrefix ? 1 : -1;
  if (a.plusCount !== b.plusCount) return a.plusCount - b.plusCount;
  if (a.pattern.length !== b.pattern.length) return b.pattern.length - a.pattern.length;
  if (a.pattern === b.pattern) return 0;
  return a.pattern < b.pattern ? 1 : -1;
}
