import { describe, expect, it } from 'vitest';
import { buildEngine } from './engine-factory.js';
import { loadBuiltinRuleSet } from './rule-set.js';
import { findNestedUnboundedQuantifiers } from './regex-safety.js';

describe('findNestedUnboundedQuantifiers', () => {
  it('flags nested unbounded repetition and accepts bounded or flat patterns', () => {
    expect(findNestedUnboundedQuantifiers('(a+)+')).toHaveLength(1);
    expect(findNestedUnboundedQuantifiers('(?:\\w+\\s?)*x')).toHaveLength(1);
    expect(findNestedUnboundedQuantifiers('(?:(?:ab)+c)*')).toHaveLength(1);
    expect(findNestedUnboundedQuantifiers('(?:a{1,5}b){2,}')).toHaveLength(0);
    expect(findNestedUnboundedQuantifiers('ghp_[A-Za-z0-9]{36}')).toHaveLength(0);
    expect(findNestedUnboundedQuantifiers('[(+)]+\\(a+\\)+')).toHaveLength(0);
    expect(findNestedUnboundedQuantifiers('(?:x[a-z]+)?y+')).toHaveLength(0);
  });

  it('finds none in the built-in rules', async () => {
    const { rules } = await loadBuiltinRuleSet();
    const bad = rules.flatMap((r) => findNestedUnboundedQuantifiers(r.regex.source).map((p) => `${r.id}: ${p}`));
    expect(bad).toEqual([]);
  });
});

describe('the whole engine on adversarial input', () => {
  // No wall-clock assertion: a catastrophic regex would hang here and the test timeout fails it.
  it('completes on 100 KB inputs built to stress the prefilter, the rules and the decoders', async () => {
    const { engine, rules } = await buildEngine({});
    const keywords = [...new Set(rules.flatMap((r) => r.keywords))];
    const size = 100_000;
    const fill = (unit: string) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
    const inputs = [
      fill('a'),
      fill('A'),
      fill('0'),
      fill('='),
      fill(' '),
      fill('\n'),
      fill('aA0+/'),
      fill('a1-_.'),
      fill('%41'),
      fill('ab'),
      fill(keywords.join('')),
      fill(keywords.join(' = "')),
      fill(keywords.join('\n')),
      fill('password = "'),
      fill('-----BEGIN PRIVATE KEY-----\nQUJD'),
      fill('postgres://u:'),
      fill('eyJ'),
      ...keywords.slice(0, 40).map((k) => k + fill('Ab9_-').slice(k.length)),
    ];
    let findings = 0;
    for (const input of inputs) findings += engine.scanText(input, { path: 'adversarial.txt' }).length;
    expect(findings).toBeGreaterThanOrEqual(0);
  });
});
