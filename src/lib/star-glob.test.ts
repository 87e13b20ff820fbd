import { describe, expect, it } from 'vitest';
import { globMatch } from './star-glob.js';

describe('globMatch', () => {
  it.each([
    ['repo:acme/shop:ref:refs/heads/*', 'repo:acme/shop:ref:refs/heads/main', true],
    ['repo:acme/shop:ref:refs/heads/*', 'repo:acme/shop:ref:refs/heads/feature/x', true],
    ['repo:acme/shop:ref:refs/heads/*', 'repo:acme/shop:ref:refs/tags/v1', false],
    ['repo:acme/*:ref:refs/heads/main', 'repo:acme/billing:ref:refs/heads/main', true],
    ['repo:acme/*:ref:refs/heads/main', 'repo:acme/billing:ref:refs/heads/mainx', false],
    ['*', '', true],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'ac', false],
    ['ab*ba', 'aba', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
  ])('%s ~ %s = %s', (pattern, value, want) => {
    expect(globMatch(pattern, value)).toBe(want);
  });
});
