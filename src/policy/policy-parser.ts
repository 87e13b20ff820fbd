/**
 * @module Turns policy text (HCL or Vault's JSON form) into a {@link Policy}: validates keys,
 * capabilities, path patterns, parameter constraints and wrapping TTLs, and merges blocks of the
 * same pattern the way Vault does. Every error is a `bad_request` HushError whose message starts
 * with "failed to parse policy:" and, where the input has one, names the line and column.
 */
import { HushError } from '../lib/errors.js';
import { parseError, parseHcl } from './hcl-parser.js';
import type { HclEntry, HclNode, HclObject, SourcePos } from './hcl-parser.js';
import { ROOT_POLICY } from './builtin-policies.js';
import { describePattern, mergeSamePatterns, normalizeCapabilities } from './path-rule.js';
import { CAPABILITIES } from './policy.js';
import type { Capability, ParameterConstraints, ParameterValue, PathRule, Policy } from './policy.js';

const CAPABILITY_SET: ReadonlySet<string> = new Set(CAPABILITIES);

/** The legacy `policy = "…"` shorthand of early Vault versions. */
const LEGACY_POLICIES: Readonly<Record<string, readonly Capability[]>> = {
  deny: ['deny'],
  read: ['read', 'list'],
  write: ['create', 'read', 'update', 'patch', 'delete', 'list'],
  sudo: ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo'],
};

/** Enterprise features that restrict access: silently ignoring them would grant too much. */
const UNSUPPORTED_KEYS = new Set(['control_group', 'mfa_methods']);
/** Accepted and ignored: they never widen access. */
const IGNORED_KEYS = new Set(['comment', 'subscribe_event_types']);

/** Lower-cases and checks a policy name. */
export function normalizePolicyName(name: string): string {
  const n = name.trim().toLowerCase();
  if (n === '') throw new HushError('bad_request', 'policy name must not be empty');
  return n;
}

/**
 * Parses a policy. `root` cannot be written: its text must be empty and the result is the
 * built-in root policy.
 * @throws HushError `bad_request` for a bad name, bad syntax or invalid content.
 */
export function parsePolicy(name: string, text: string): Policy {
  const policyName = normalizePolicyName(name);
  if (policyName === 'root') {
    if (text.trim() !== '') throw new HushError('bad_request', 'cannot update "root" policy');
    return ROOT_POLICY;
  }
  return { name: policyName, rules: parsePolicyRules(text) };
}

/** Parses the rules of policy text, merged by pattern in order of first appearance. */
export function parsePolicyRules(text: string): PathRule[] {
  const doc = parseHcl(text);
  const rules: PathRule[] = [];
  for (const entry of doc.entries) {
    if (entry.key === 'path') rules.push(...pathRulesOf(entry));
    else if (entry.key !== 'name') throw parseError(`invalid key ${JSON.stringify(entry.key)} (expected "path")`, entry.pos);
  }
  return mergeSamePatterns(rules);
}

function pathRulesOf(entry: HclEntry): PathRule[] {
  if (entry.labels.length > 1) throw parseError('a path block takes exactly one pattern', entry.labels[1]!.pos);
  const label = entry.labels[0];
  if (label !== undefined) return [ruleOf(label.value, expectObject(entry.value, `path ${JSON.stringify(label.value)}`), label.pos)];
  // `path = { "pattern" = { … } }` and JSON's `"path": { … }` or `"path": [{ … }]`
  const maps = entry.value.kind === 'list' ? entry.value.items : [entry.value];
  const rules: PathRule[] = [];
  for (const map of maps) {
    for (const e of expectObject(map, '"path"').entries) {
      const bodies = e.value.kind === 'list' ? e.value.items : [e.value];
      for (const body of bodies) rules.push(ruleOf(e.key, expectObject(body, `path ${JSON.stringify(e.key)}`), e.pos));
    }
  }
  return rules;
}

function expectObject(node: HclNode, what: string): HclObject {
  if (node.kind !== 'object') throw parseError(`${what} must be an object`, node.pos);
  return node;
}

/** Checks a pattern: `*` only at the end, `+` only as a whole segment, balanced templates. */
export function validatePattern(rawPath: string, pos?: SourcePos): string {
  const path = rawPath.startsWith('/') ? rawPath.slice(1) : rawPath;
  const where = `path ${JSON.stringify(rawPath)}`;
  if (path === '') throw parseError(`${where}: the pattern must not be empty`, pos);
  const star = path.indexOf('*');
  if (star !== -1 && star !== path.length - 1) {
    throw parseError(`${where}: "*" is only allowed at the end of a pattern`, pos);
  }
  const segments = path.split('/');
  segments.forEach((seg, i) => {
    if (!seg.includes('+')) return;
    const ok = seg === '+' || (seg === '+*' && i === segments.length - 1);
    if (!ok) throw parseError(`${where}: "+" must be a whole path segment`, pos);
  });
  const withoutTemplates = path.replace(/\{\{[^{}]+\}\}/g, '');
  if (withoutTemplates.includes('{{') || withoutTemplates.includes('}}')) {
    throw parseError(`${where}: malformed {{…}} template`, pos);
  }
  return path;
}

function ruleOf(rawPath: string, body: HclObject, pos: SourcePos): PathRule {
  const path = validatePattern(rawPath, pos);
  const where = `path ${JSON.stringify(rawPath)}`;
  const caps: Capability[] = [];
  let allowedParameters: ParameterConstraints | null = null;
  let deniedParameters: ParameterConstraints | null = null;
  let requiredParameters: string[] = [];
  let minWrappingTtl = 0;
  let maxWrappingTtl = 0;
  const seen = new Set<string>();
  for (const e of body.entries) {
    if (seen.has(e.key)) throw parseError(`${where}: duplicate key ${JSON.stringify(e.key)}`, e.pos);
    seen.add(e.key);
    const what = `${where}: ${e.key}`;
    switch (e.key) {
      case 'capabilities':
        for (const item of listOf(e.value, what)) {
          const cap = stringOf(item, `${what} entries`);
          if (!CAPABILITY_SET.has(cap)) {
            throw parseError(`${where}: unknown capability ${JSON.stringify(cap)} (valid: ${CAPABILITIES.join(', ')})`, item.pos);
          }
          caps.push(cap as Capability);
        }
        break;
      case 'policy': {
        const legacy = stringOf(e.value, what);
        const granted = LEGACY_POLICIES[legacy];
        if (!granted) throw parseError(`${where}: unknown policy ${JSON.stringify(legacy)} (valid: deny, read, write, sudo)`, e.value.pos);
        caps.push(...granted);
        break;
      }
      case 'allowed_parameters':
        allowedParameters = constraintsOf(e.value, what);
        break;
      case 'denied_parameters':
        deniedParameters = constraintsOf(e.value, what);
        break;
      case 'required_parameters':
        requiredParameters = listOf(e.value, what).map((item) => stringOf(item, `${what} entries`).toLowerCase());
        break;
      case 'min_wrapping_ttl':
        minWrappingTtl = durationOf(e.value, what);
        break;
      case 'max_wrapping_ttl':
        maxWrappingTtl = durationOf(e.value, what);
        break;
      default:
        if (UNSUPPORTED_KEYS.has(e.key)) throw parseError(`${where}: ${e.key} is not supported by Hush`, e.pos);
        if (!IGNORED_KEYS.has(e.key)) throw parseError(`${where}: invalid key ${JSON.stringify(e.key)}`, e.pos);
    }
  }
  if (minWrappingTtl > 0 && maxWrappingTtl > 0 && maxWrappingTtl < minWrappingTtl) {
    throw parseError(`${where}: max_wrapping_ttl cannot be less than min_wrapping_ttl`, pos);
  }
  return {
    path,
    capabilities: normalizeCapabilities(caps),
    allowedParameters,
    deniedParameters,
    requiredParameters: [...new Set(requiredParameters)],
    minWrappingTtl,
    maxWrappingTtl,
    ...describePattern(path),
  };
}

function listOf(node: HclNode, what: string): readonly HclNode[] {
  if (node.kind !== 'list') throw parseError(`${what} must be a list`, node.pos);
  return node.items;
}

function stringOf(node: HclNode, what: string): string {
  if (node.kind !== 'string') throw parseError(`${what} must be strings`, node.pos);
  return node.value;
}

function constraintsOf(node: HclNode, what: string): ParameterConstraints | null {
  const obj = expectObject(node, what);
  const out = new Map<string, readonly ParameterValue[]>();
  for (const e of obj.entries) {
    const values = listOf(e.value, `${what} ${JSON.stringify(e.key)}`).map(toValue);
    const key = e.key.toLowerCase();
    const existing = out.get(key);
    out.set(key, existing === undefined ? values : existing.length === 0 || values.length === 0 ? [] : [...existing, ...values]);
  }
  return out.size === 0 ? null : out;
}

/** Converts a syntax node to plain JSON data. */
export function toValue(node: HclNode): ParameterValue {
  switch (node.kind) {
    case 'string':
    case 'number':
    case 'bool':
      return node.value;
    case 'null':
      return null;
    case 'list':
      return node.items.map(toValue);
    case 'object':
      return Object.fromEntries(node.entries.map((e) => [e.key, toValue(e.value)]));
  }
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
};

/** Seconds from a number or a Go-style duration string (`"90s"`, `"1h30m"`, `"300"`). */
export function durationOf(node: HclNode, what: string): number {
  if (node.kind === 'number' && node.value >= 0) return node.value;
  if (node.kind === 'string') {
    const s = node.value.trim();
    if (/^\d+$/.test(s)) return Number(s);
    if (/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h|d))+$/.test(s)) {
      let total = 0;
      for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h|d)/g)) total += Number(m[1]) * DURATION_UNITS[m[2]!]!;
      return total;
    }
  }
  throw parseError(`${what} must be a duration such as "30s" or "1h"`, node.pos);
}
