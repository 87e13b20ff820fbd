/**
 * @module Building and merging {@link PathRule}s. Vault merges every rule of the same pattern —
 * several blocks in one policy, or the same pattern in several policies — by the same rules:
 * capabilities are unioned (and `deny` replaces everything), allowed/denied parameter values are
 * unioned (an empty list, "any value", absorbs the other), required parameters are unioned, the
 * lowest minimum and the highest maximum wrapping TTL are kept.
 */
import type { Capability, ParameterConstraints, ParameterValue, PathRule } from './policy.js';

/** Analyses a pattern: prefix glob, `+` segments, identity templates. */
export function describePattern(path: string): Pick<PathRule, 'isPrefix' | 'hasSegmentWildcard' | 'isTemplated'> {
  return {
    isPrefix: path.endsWith('*'),
    hasSegmentWildcard: path.split('/').some((seg) => seg === '+' || seg === '+*'),
    isTemplated: path.includes('{{'),
  };
}

/** Capabilities with `deny` taking over: a set holding `deny` holds nothing else. */
export function normalizeCapabilities(caps: Iterable<Capability>): ReadonlySet<Capability> {
  const set = new Set(caps);
  return set.has('deny') ? new Set<Capability>(['deny']) : set;
}

function mergeConstraints(a: ParameterConstraints | null, b: ParameterConstraints | null): ParameterConstraints | null {
  if (a === null) return b;
  if (b === null) return a;
  const out = new Map<string, readonly ParameterValue[]>(a);
  for (const [key, values] of b) {
    const existing = out.get(key);
    if (existing === undefined) out.set(key, values);
    else if (existing.length === 0 || values.length === 0) out.set(key, []);
    else out.set(key, [...existing, ...values]);
  }
  return out;
}

function mergeMin(a: number, b: number): number {
  if (a === 0) return b;
  if (b === 0) return a;
  return Math.min(a, b);
}

/** Merges two rules of the same pattern (see the module comment for the rules). */
export function mergeRules(a: PathRule, b: PathRule): PathRule {
  return {
    path: a.path,
    capabilities: normalizeCapabilities([...a.capabilities, ...b.capabilities]),
    allowedParameters: mergeConstraints(a.allowedParameters, b.allowedParameters),
    deniedParameters: mergeConstraints(a.deniedParameters, b.deniedParameters),
    requiredParameters: [...new Set([...a.requiredParameters, ...b.requiredParameters])],
    minWrappingTtl: mergeMin(a.minWrappingTtl, b.minWrappingTtl),
    maxWrappingTtl: Math.max(a.maxWrappingTtl, b.maxWrappingTtl),
    isPrefix: a.isPrefix,
    hasSegmentWildcard: a.hasSegmentWildcard,
    isTemplated: a.isTemplated,
  };
}

/** Merges rules that share a pattern, keeping the order in which patterns first appear. */
export function mergeSamePatterns(rules: Iterable<PathRule>): PathRule[] {
  const byPath = new Map<string, PathRule>();
  for (const rule of rules) {
    const existing = byPath.get(rule.path);
    byPath.set(rule.path, existing ? mergeRules(existing, rule) : rule);
  }
  return [...byPath.values()];
}
