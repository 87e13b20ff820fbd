import { describe, expect, it } from 'vitest';
import { PresentedTokenIds } from './presented-token-ids.js';

describe('presented token IDs', () => {
  it('derives a token ID once while the token is remembered, and the right one for each token', () => {
    const derived: string[] = [];
    const ids = new PresentedTokenIds(10, (token) => {
      derived.push(token);
      return `id-of-${token.length}-${token.at(-1)}`;
    });
    expect(ids.idOf('hvs.aaaa')).toBe('id-of-8-a');
    expect(ids.idOf('hvs.aaab')).toBe('id-of-8-b');
    expect(ids.idOf('hvs.aaaa')).toBe('id-of-8-a');
    expect(ids.idOf('hvs.aaab')).toBe('id-of-8-b');
    expect(derived).toEqual(['hvs.aaaa', 'hvs.aaab']);
  });

  it('keeps at most its limit, forgetting the oldest first', () => {
    let calls = 0;
    const ids = new PresentedTokenIds(3, (token) => {
      calls++;
      return token.toUpperCase();
    });
    for (const t of ['t1', 't2', 't3', 't4']) ids.idOf(t);
    expect(ids.size).toBe(3);
    expect(calls).toBe(4);
    ids.idOf('t4'); // still known
    expect(calls).toBe(4);
    expect(ids.idOf('t1')).toBe('T1'); // forgotten, derived again
    expect(calls).toBe(5);
    expect(ids.size).toBe(3);
  });
});
