/**
 * @module Builders for the two common rule shapes: a prefixed token recognisable on its own, and a
 * value recognisable only next to a provider's name (`DATADOG_API_KEY = "…"`). Both produce plain
 * {@link Rule} data with bounded quantifiers only.
 */
import { defineRule } from './rule.js';
import type { Rule, RuleMatchContext, Severity } from './rule.js';

interface TokenRuleSpec {
  readonly id: string;
  readonly provider: string;
  readonly description: string;
  readonly severity?: Severity;
  readonly keywords: readonly string[];
  /** Regex source of the token itself (bounded quantifiers only). */
  readonly pattern: string;
  /** Case-insensitive match (default false: token prefixes are case-sensitive). */
  readonly ignoreCase?: boolean;
  readonly minEntropy?: number;
  readonly validate?: (secret: string, context: RuleMatchContext) => boolean;
  /** Characters that may not follow the token (default: word characters and `-`). */
  readonly trailing?: string;
}

/** A token that carries its own prefix or shape. */
export function tokenRule(spec: TokenRuleSpec): Rule {
  const trailing = spec.trailing ?? '[A-Za-z0-9_-]';
  return defineRule({
    id: spec.id,
    provider: spec.provider,
    description: spec.description,
    severity: spec.severity ?? 'high',
    keywords: spec.keywords,
    regex: new RegExp(`(?<![A-Za-z0-9])(?<secret>${spec.pattern})(?!${trailing})`, spec.ignoreCase ? 'gi' : 'g'),
    ...(spec.minEntropy !== undefined ? { minEntropy: spec.minEntropy } : {}),
    ...(spec.validate !== undefined ? { validate: spec.validate } : {}),
  });
}

interface ContextRuleSpec {
  readonly id: string;
  readonly provider: string;
  readonly description: string;
  readonly severity?: Severity;
  /** Lower-case names that must precede the value in the assignment's key, e.g. `datadog`. */
  readonly names: readonly string[];
  /** Regex source of the value (matched case-insensitively). */
  readonly value: string;
  readonly minEntropy?: number;
  readonly validate?: (secret: string, context: RuleMatchContext) => boolean;
}

/** An optional `: string` / `: str` type annotation (TypeScript, Python, Kotlin). */
export const TYPE_ANNOTATION = '(?:\\s{0,3}:\\s{0,3}(?:string|str|String)\\s{0,3}(?==))?';

/** The longest `_`/`-`-separated part of a name: present in every match of the name. */
function longestSegment(name: string): string {
  return name.split(/[_-]/).reduce((a, b) => (b.length > a.length ? b : a), '');
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A value only recognisable by the key it is assigned to: `<name>…<sep><quote?>value`, where the
 * key is at most 40 more identifier characters after the name and the separator is `=`, `:`, `:=`
 * or `=>` (YAML, JSON, .env, shell, Python, JS, TOML, INI, Dockerfile `ENV`).
 */
export function contextRule(spec: ContextRuleSpec): Rule {
  const names = spec.names.map((n) => escape(n).replace(/[_-]/g, '[_.-]?')).join('|');
  const source =
    `(?:${names})[A-Za-z0-9_.-]{0,40}?['"]?${TYPE_ANNOTATION}\\s{0,5}(?:=>|:=|=|:)\\s{0,5}(?:["'\`]|\\b)` +
    `(?<secret>${spec.value})(?![A-Za-z0-9_+/=-])`;
  return defineRule({
    id: spec.id,
    provider: spec.provider,
    description: spec.description,
    severity: spec.severity ?? 'high',
    keywords: [...new Set(spec.names.map(longestSegment))],
    regex: new RegExp(source, 'gi'),
    minEntropy: spec.minEntropy ?? 2.8,
    ...(spec.validate !== undefined ? { validate: spec.validate } : {}),
  });
}

/** Common value shapes for context rules. */
export const HEX = (n: number): string => `[a-f0-9]{${n}}`;
export const ALNUM = (n: number | string): string => `[A-Za-z0-9]{${n}}`;
export const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
