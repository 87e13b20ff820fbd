/**
 * @module The built-in rule set and false-positive filter (from `rules/index.ts` and
 * `filters/false-positive.ts`) and computes the rule-set version that keys the
 * history cache: a hash of every rule's id, regex, keywords and entropy threshold, so editing
 * any rule invalidates cached "clean" blobs.
 */
import { createHash } from 'node:crypto';
import { isFalsePositive as builtinFilter } from '../filters/false-positive.js';
import { RULESET_VERSION, rules as builtinRules } from '../rules/index.js';
import type { FalsePositiveFilter } from './scan-engine.js';
import type { ScanRule } from './scan-rule.js';

/** Bumped when the engine itself changes what it reports. */
const ENGINE_VERSION = `1/${RULESET_VERSION}`;

export interface BuiltinRuleSet {
  readonly rules: readonly ScanRule[];
  readonly isFalsePositive?: FalsePositiveFilter;
}

/** The built-in rules (`rules/index.ts`) and false-positive filter (`filters/false-positive.ts`). */
export function loadBuiltinRuleSet(): Promise<BuiltinRuleSet> {
  return Promise.resolve({ rules: builtinRules, isFalsePositive: builtinFilter });
}

/** Hex digest identifying the detection behaviour of `rules`. */
export function ruleSetVersion(rules: readonly ScanRule[], extra = ''): string {
  const h = createHash('sha256').update(ENGINE_VERSION).update('\0').update(extra);
  for (const r of rules) {
    h.update('\0').update(r.id).update('\0').update(r.regex.source).update('/').update(r.regex.flags);
    h.update('\0').update(r.keywords.join(',')).update('\0').update(String(r.minEntropy ?? ''));
    h.update('\0').update(r.validate?.toString() ?? '').update('\0').update(String(r.secretGroup ?? ''));
  }
  return h.digest('hex').slice(0, 16);
}
