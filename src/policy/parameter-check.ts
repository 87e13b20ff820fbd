/**
 * @module Checks request data against a rule's parameter constraints, as Vault documents them:
 * every `required_parameters` name must be present; `denied_parameters` wins over
 * `allowed_parameters`; `"*"` as a key stands for every parameter; an empty value list means
 * any value; string values may use `*` as a prefix and/or suffix glob (`"foo-*"`, `"*-bar"`,
 * `"*mid*"`); a list in the request is checked element by element. Parameter names compare
 * case-insensitively.
 */
import type { ParameterValue, PathRule } from './policy.js';

/** The reason the data is refused, or `undefined` when it passes. */
export function checkParameters(rule: PathRule, data: Readonly<Record<string, unknown>>): string | undefined {
  const keys = Object.keys(data);
  const present = new Set(keys.map((k) => k.toLowerCase()));
  for (const required of rule.requiredParameters) {
    if (!present.has(required)) return `missing required parameter "${required}"`;
  }
  if (keys.length === 0) return undefined;

  const denied = rule.deniedParameters;
  if (denied !== null) {
    if (denied.has('*')) return 'all parameters are denied';
    for (const key of keys) {
      const values = denied.get(key.toLowerCase());
      if (values !== undefined && anyDenied(data[key], values)) return `parameter "${key}" is denied`;
    }
  }

  const allowed = rule.allowedParameters;
  if (allowed === null) return undefined;
  const allowAll = allowed.has('*');
  if (allowAll && allowed.size === 1) return undefined;
  for (const key of keys) {
    const values = allowed.get(key.toLowerCase());
    if (values === undefined) {
      if (!allowAll) return `parameter "${key}" is not allowed`;
    } else if (!allAllowed(data[key], values)) {
      return `a value of parameter "${key}" is not allowed`;
    }
  }
  return undefined;
}

function anyDenied(value: unknown, denied: readonly ParameterValue[]): boolean {
  if (denied.length === 0) return true;
  if (Array.isArray(value)) return value.some((v) => inList(v, denied));
  return inList(value, denied);
}

function allAllowed(value: unknown, allowed: readonly ParameterValue[]): boolean {
  if (allowed.length === 0) return true;
  if (Array.isArray(value)) return value.every((v) => inList(v, allowed)) || inList(value, allowed);
  return inList(value, allowed);
}

function inList(value: unknown, list: readonly ParameterValue[]): boolean {
  return list.some((item) => valueMatches(item, value));
}

/** One listed value against one request value: strings glob, anything else compares as JSON. */
export function valueMatches(item: ParameterValue, value: unknown): boolean {
  if (typeof item === 'string' && typeof value === 'string') return globMatch(item, value);
  if (item === null || typeof item !== 'object') return item === value;
  return JSON.stringify(item) === JSON.stringify(value);
}

/** Vault's value globs: `*` only as the first and/or last character. */
export function globMatch(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  const lead = pattern.startsWith('*');
  const trail = pattern.length > 1 && pattern.endsWith('*');
  const core = pattern.slice(lead ? 1 : 0, trail ? -1 : undefined);
  if (lead && trail) return value.includes(core);
  if (lead) return value.endsWith(core);
  if (trail) return value.startsWith(core);
  return value === pattern;
}
