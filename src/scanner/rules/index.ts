/**
 * @module Every detection rule of `hush scan`, grouped by provider family. Bump
 * {@link RULESET_VERSION} whenever a rule is added, removed or changed: it is part of the scan
 * cache key, so cached results of older rules are not reused.
 */
import { aiRules } from './ai-rules.js';
import { chatRules } from './chat-rules.js';
import { cloudRules } from './cloud-rules.js';
import { databaseUrlRules } from './database-url-rules.js';
import { devtoolsRules } from './devtools-rules.js';
import { frameworkRules } from './framework-rules.js';
import { genericAssignmentRules } from './generic-assignment-rules.js';
import { paymentsRules } from './payments-rules.js';
import { privateKeyRules } from './private-key-rules.js';
import { saasRules } from './saas-rules.js';
import { vcsRules } from './vcs-rules.js';
import type { Rule } from './rule.js';

export type { Rule, RuleMatchContext, Severity } from './rule.js';

/** Provider-specific rules (everything but the generic assignment rules). */
export const providerRules: readonly Rule[] = [
  ...cloudRules,
  ...vcsRules,
  ...devtoolsRules,
  ...paymentsRules,
  ...chatRules,
  ...aiRules,
  ...saasRules,
  ...frameworkRules,
  ...privateKeyRules,
  ...databaseUrlRules,
];

/** All rules; generic rules last. */
export const rules: readonly Rule[] = [...providerRules, ...genericAssignmentRules];

/** Version of the rule set; part of the scan cache key. */
export const RULESET_VERSION = '2026.11.23-3';

/** Whether a rule id belongs to the generic (name-based) family. */
export function isGenericRuleId(ruleId: string): boolean {
  return ruleId.startsWith('generic-');
}
