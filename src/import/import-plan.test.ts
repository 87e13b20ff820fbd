import { describe, expect, it } from 'vitest';
import { planImport, summarizeChanges } from './import-plan.js';

const incoming = new Map([
  ['SAME', 's'],
  ['CHANGED', 'new'],
  ['ADDED', 'a'],
]);
const current = { SAME: 's', CHANGED: 'old', DROPPED: 'd', NUM: 1 };

describe('planImport', () => {
  it('replaces the data by default and reports every key', () => {
    const plan = planImport(incoming, current, false);
    expect(plan.data).toEqual({ SAME: 's', CHANGED: 'new', ADDED: 'a' });
    expect(plan.changes).toEqual([
      { key: 'SAME', change: 'unchanged' },
      { key: 'CHANGED', change: 'changed' },
      { key: 'ADDED', change: 'new' },
      { key: 'DROPPED', change: 'removed' },
      { key: 'NUM', change: 'removed' },
    ]);
    expect(summarizeChanges(plan.changes)).toBe('1 new, 1 changed, 1 unchanged, 2 removed');
  });

  it('keeps the other keys with merge, and treats a missing secret as empty', () => {
    const merged = planImport(incoming, current, true);
    expect(merged.data).toEqual({ SAME: 's', CHANGED: 'new', ADDED: 'a', DROPPED: 'd', NUM: 1 });
    expect(merged.changes.map((c) => c.change)).toEqual(['unchanged', 'changed', 'new']);
    expect(summarizeChanges(planImport(incoming, undefined, false).changes)).toBe('3 new');
    expect(summarizeChanges([])).toBe('no keys');
  });

  it('a value that differs only in type counts as changed', () => {
    expect(planImport(new Map([['NUM', '1']]), current, true).changes).toEqual([{ key: 'NUM', change: 'changed' }]);
  });
});
