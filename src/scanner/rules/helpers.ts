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

/**
 * Name parts too common in code to be a good prefilter keyword: a rule keyed on `client` would
 * run its regex around every `client` of every file, where the provider's name is rare.
 */
const COMMON_PARTS = new Set([
  'access', 'api', 'apikey', 'app', 'application', 'auth', 'client', 'developer', 'key', 'password', 'private',
  'secret', 'security', 'server', 'service', 'session', 'system', 'token', 'user',
]);

/**
 * Keywords present in every match of a context rule's name (`_`/`-` match `[_.-]?`): its most
 * distinctive part when one is long enough and not a common word (`zoom` of `zoom_client_secret`,
 * `accesstoken` of `system_accesstoken`), else its first two parts joined each way the regex
 * allows (`cf_api_token` → `cfapi`, `cf_api`, `cf.api`, `cf-api`).
 */
function nameKeywords(name: string): string[] {
  const parts = name.split(/[_-]/);
  const distinctive = parts.filter((p) => p.length >= 4 && !COMMON_PARTS.has(p)).sort((a, b) => b.length - a.length)[0];
  if (distinctive !== undefined || parts.length === 1) return [distinctive ?? name];
  return ['', '_', '.', '-'].map((sep) => `${parts[0]}${sep}${parts[1]}`);
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
    keywords: [...new Set(spec.names.flatMap(nameKeywords))],
    regex: new RegExp(source, 'gi'),
    // the match starts with the name, which holds the keyword and no newline
    startsOnKeywordLine: true,
    minEntropy: spec.minEntropy ?? 2.8,
    ...(spec.validate !== undefined ? { validate: spec.validate } : {}),
  });
}

/** Common value shapes for context rules. */
export const HEX = (n: number): string => `[a-f0-9]{${n}}`;
export const ALNUM = (n: number | string): string => `[A-Za-z0-9]{${n}}`;
export const UUID = '[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}';
