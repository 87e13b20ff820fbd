/**
 * @module Reads a `.gitleaks.toml` (gitleaks' documented format) so teams switching to Hush
 * keep their tuning: `[[rules]]` (id, description, regex, secretGroup, entropy, keywords, path)
 * become extra rules, and `[allowlist]` / `[[allowlists]]` plus per-rule `[rules.allowlist]` /
 * `[[rules.allowlists]]` (regexes, regexTarget, paths, stopwords, commits, condition) are honoured.
 * Go regex syntax is mapped where JavaScript differs: inline `(?i)`/`(?s)`/`(?m)` become flags,
 * `(?P<n>` becomes `(?<n>`, `\A`/`\z` become anchors, POSIX classes are expanded.
 */
import { readFile } from 'node:fs/promises';
import { parse } from 'smol-toml';
import { badRequest } from '../../lib/errors.js';
import { findNestedUnboundedQuantifiers } from '../engine/regex-safety.js';
import type { Allowlist, ScanRule } from '../engine/scan-rule.js';

export interface GitleaksConfig {
  readonly rules: readonly ScanRule[];
  /** Global allowlists; those with `targetRules` are attached to the rules instead. */
  readonly allowlists: readonly Allowlist[];
}

type Table = Record<string, unknown>;

export async function loadGitleaksConfig(file: string): Promise<GitleaksConfig> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw badRequest(`cannot read ${file}: ${(err as Error).message}`, err);
  }
  return parseGitleaksConfig(text, file);
}

export function parseGitleaksConfig(text: string, file = '.gitleaks.toml'): GitleaksConfig {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (err) {
    throw badRequest(`${file}: invalid TOML: ${firstLine((err as Error).message)}`, err);
  }
  const globalTables = [...tables(doc['allowlist']), ...tables(doc['allowlists'])];
  const global: Allowlist[] = [];
  const targeted = new Map<string, Allowlist[]>();
  for (const t of globalTables) {
    const al = toAllowlist(t, file);
    const targets = strings(t['targetRules']);
    if (targets.length === 0) global.push(al);
    for (const id of targets) targeted.set(id, [...(targeted.get(id) ?? []), al]);
  }
  const rules: ScanRule[] = [];
  for (const r of tables(doc['rules'])) {
    const id = typeof r['id'] === 'string' ? r['id'] : '';
    if (id === '') throw badRequest(`${file}: a rule has no id`);
    if (typeof r['regex'] !== 'string') continue; // path-only rules report files, not secrets: not supported
    const regex = goRegex(r['regex'], `${file}: rule ${id}`);
    const nested = findNestedUnboundedQuantifiers(regex.source);
    if (nested.length > 0) {
      throw badRequest(`${file}: rule ${id}: regex risks catastrophic backtracking in JavaScript (${nested[0]}); bound the inner repetition`);
    }
    const allowlists = [
      ...[...tables(r['allowlist']), ...tables(r['allowlists'])].map((t) => toAllowlist(t, file)),
      ...(targeted.get(id) ?? []),
    ];
    const secretGroup = typeof r['secretGroup'] === 'number' ? r['secretGroup'] : undefined;
    const entropy = typeof r['entropy'] === 'number' ? r['entropy'] : undefined;
    rules.push({
      id,
      provider: 'gitleaks config',
      description: typeof r['description'] === 'string' ? r['description'] : id,
      severity: 'high',
      keywords: strings(r['keywords']).map((k) => k.toLowerCase()),
      regex,
      ...(secretGroup !== undefined ? { secretGroup } : hasCaptureGroup(regex) ? { secretGroup: 1 } : {}),
      ...(entropy !== undefined ? { minEntropy: entropy } : {}),
      ...(typeof r['path'] === 'string' ? { path: goRegex(r['path'], `${file}: rule ${id} path`) } : {}),
      ...(allowlists.length > 0 ? { allowlists } : {}),
    });
  }
  return { rules, allowlists: global };
}

function toAllowlist(t: Table, file: string): Allowlist {
  const target = t['regexTarget'];
  return {
    regexes: strings(t['regexes']).map((s) => goRegex(s, `${file}: allowlist regex`)),
    regexTarget: target === 'match' || target === 'line' ? target : 'secret',
    paths: strings(t['paths']).map((s) => goRegex(s, `${file}: allowlist path`)),
    stopwords: strings(t['stopwords']).map((s) => s.toLowerCase()),
    commits: strings(t['commits']),
    condition: typeof t['condition'] === 'string' && t['condition'].toUpperCase() === 'AND' ? 'AND' : 'OR',
  };
}

const POSIX: Record<string, string> = {
  alnum: 'A-Za-z0-9', alpha: 'A-Za-z', digit: '0-9', lower: 'a-z', upper: 'A-Z', space: '\\s',
  xdigit: '0-9A-Fa-f', punct: '!-\\/:-@\\[-`{-~', word: '\\w', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f',
  print: '\\x20-\\x7e', graph: '\\x21-\\x7e', ascii: '\\x00-\\x7f',
};

/** Translates a Go (RE2) regex into a global JavaScript RegExp. */
export function goRegex(source: string, where: string): RegExp {
  let flags = 'g';
  let s = source;
  s = s.replace(/\(\?([imsU-]+)\)/g, (_m, f: string) => {
    const on = f.split('-')[0] ?? '';
    for (const c of on) if ('ims'.includes(c) && !flags.includes(c)) flags += c;
    return '';
  });
  s = s.replace(/\(\?([ims]+)(?:-[ims]+)?:/g, (_m, f: string) => {
    for (const c of f) if (!flags.includes(c)) flags += c;
    return '(?:';
  });
  s = s.replace(/\(\?P</g, '(?<');
  s = s.replace(/\\A/g, '^').replace(/\\z/g, '$');
  s = s.replace(/\[:(\^?)([a-z]+):\]/g, (m, neg: string, name: string) => {
    const cls = POSIX[name];
    if (cls === undefined) return m;
    return neg === '' ? cls : `^${cls}`;
  });
  try {
    return new RegExp(s, flags);
  } catch (err) {
    throw badRequest(`${where}: unsupported regex: ${firstLine((err as Error).message)}`, err);
  }
}

function hasCaptureGroup(re: RegExp): boolean {
  return new RegExp(`${re.source}|`).exec('')!.length > 1;
}

function tables(v: unknown): Table[] {
  if (Array.isArray(v)) return v.filter((x): x is Table => typeof x === 'object' && x !== null);
  if (typeof v === 'object' && v !== null) return [v as Table];
  return [];
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
