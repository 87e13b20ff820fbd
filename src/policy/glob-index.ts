/**
 * @module A lookup structure for non-exact patterns. Patterns hang in a trie keyed by their
 * leading literal segments (`secret/team1/*` under `secret` → `team1`); a lookup walks the
 * trie along the request path and, at each node, scans only that node's patterns (pre-sorted
 * by priority) until the first match. The best of those per-node winners, by Vault's priority
 * order, is the answer. Cost grows with the path's depth, not with the number of policies.
 */
import { compareGlobPriority, compileGlob } from './glob-pattern.js';
import type { GlobPattern } from './glob-pattern.js';

interface Node<T> {
  readonly children: Map<string, Node<T>>;
  readonly entries: { readonly glob: GlobPattern; readonly value: T }[];
}

const newNode = <T>(): Node<T> => ({ children: new Map(), entries: [] });

/** Segments of a pattern that are literal and followed by `/` (before any wildcard). */
function literalPrefix(pattern: string): string[] {
  const segments = pattern.split('/');
  const out: string[] = [];
  for (let i = 0; i < segments.length - 1; i++) {
    const seg = segments[i]!;
    if (seg.includes('+') || seg.includes('*')) break;
    out.push(seg);
  }
  return out;
}

export interface GlobIndex<T> {
  /** The value of the highest-priority pattern matching `path`, if any. */
  find(path: string): T | undefined;
  /** Every value, highest priority first. */
  values(): T[];
}

/** Builds the index of `[pattern, value]` pairs (patterns with `*` at the end or `+` segments). */
export function createGlobIndex<T>(items: Iterable<readonly [string, T]>): GlobIndex<T> {
  const root = newNode<T>();
  const all: { glob: GlobPattern; value: T }[] = [];
  for (const [pattern, value] of items) {
    let node = root;
    for (const seg of literalPrefix(pattern)) {
      let child = node.children.get(seg);
      if (!child) node.children.set(seg, (child = newNode<T>()));
      node = child;
    }
    const entry = { glob: compileGlob(pattern), value };
    node.entries.push(entry);
    all.push(entry);
  }
  const sortNode = (node: Node<T>): void => {
    node.entries.sort((a, b) => compareGlobPriority(a.glob, b.glob));
    for (const child of node.children.values()) sortNode(child);
  };
  sortNode(root);
  all.sort((a, b) => compareGlobPriority(a.glob, b.glob));

  return {
    find(path) {
      let best: { glob: GlobPattern; value: T } | undefined;
      let node: Node<T> | undefined = root;
      let start = 0;
      while (node) {
        for (const entry of node.entries) {
          if (entry.glob.matches(path)) {
            if (!best || compareGlobPriority(entry.glob, best.glob) < 0) best = entry;
            break;
          }
        }
        const slash = path.indexOf('/', start);
        if (slash === -1) break;
        node = node.children.get(path.slice(start, slash));
        start = slash + 1;
      }
      return best?.value;
    },
    values: () => all.map((e) => e.value),
  };
}
