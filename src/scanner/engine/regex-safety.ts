/**
 * @module A static check for the classic catastrophic-backtracking shape: a group containing an
 * unbounded quantifier (`+`, `*`, `{n,}`) that is itself repeated without bound, as in `(a+)+`
 * or `(?:\w+\s?)*`. JavaScript offers no step budget, so every rule regex (built-in and imported
 * from `.gitleaks.toml`) is checked with this, and exercised on adversarial input in tests.
 */

/** Descriptions of the nested unbounded repetitions found in `source` (empty = none). */
export function findNestedUnboundedQuantifiers(source: string): string[] {
  const problems: string[] = [];
  const stack: { start: number; unbounded: boolean }[] = [];
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      continue;
    }
    if (c === '(') {
      stack.push({ start: i, unbounded: false });
      continue;
    }
    if (c === ')') {
      const g = stack.pop();
      const inner = g?.unbounded ?? false;
      const q = quantifierAt(source, i + 1);
      if (q !== null && q.unbounded && inner) {
        problems.push(`${source.slice(g?.start ?? 0, i + 1 + q.length)} at ${g?.start ?? 0}`);
      }
      if ((q !== null && q.unbounded) || inner) markUnbounded(stack);
      if (q !== null) i += q.length;
      continue;
    }
    const q = quantifierAt(source, i);
    if (q !== null) {
      if (q.unbounded) markUnbounded(stack);
      i += q.length - 1;
    }
  }
  return problems;
}

function markUnbounded(stack: { unbounded: boolean }[]): void {
  const top = stack[stack.length - 1];
  if (top !== undefined) top.unbounded = true;
}

function quantifierAt(s: string, i: number): { length: number; unbounded: boolean } | null {
  const c = s[i];
  if (c === '+' || c === '*') return { length: s[i + 1] === '?' || s[i + 1] === '+' ? 2 : 1, unbounded: true };
  if (c === '?') return { length: s[i + 1] === '?' ? 2 : 1, unbounded: false };
  if (c === '{') {
    const m = /^\{(\d*)(,?)(\d*)\}\??/.exec(s.slice(i));
    if (m === null) return null;
    return { length: m[0].length, unbounded: m[2] === ',' && m[3] === '' };
  }
  return null;
}
