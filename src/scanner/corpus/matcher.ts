/**
 * @module A minimal reference matcher: applies the rules and the false-positive filter to a file's
 * text, with the keyword prefilter, entropy thresholds and validators, the way the scan engine does.
 * Used to measure the rules on the corpus independently of the engine.
 */
import { shannonEntropy } from '../filters/entropy.js';
import { isFalsePositive } from '../filters/false-positive.js';
import { rules as allRules } from '../rules/index.js';
import type { Rule } from '../rules/rule.js';

export interface SimpleFinding {
  readonly ruleId: string;
  /** 1-based line on which the secret starts. */
  readonly line: number;
  readonly secret: string;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineOf(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/** Runs `rules` over `text` of the file at `path` and returns the surviving findings. */
export function scanText(text: string, path: string, rules: readonly Rule[] = allRules): SimpleFinding[] {
  const lower = text.toLowerCase();
  const starts = lineStarts(text);
  const out: SimpleFinding[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    if (!rule.keywords.some((k) => lower.includes(k))) continue;
    let flags = rule.regex.flags;
    if (!flags.includes('g')) flags += 'g';
    if (!flags.includes('d')) flags += 'd';
    const re = new RegExp(rule.regex.source, flags);
    for (const m of text.matchAll(re)) {
      const secret = m.groups?.['secret'] ?? m[0];
      if (secret.length === 0) continue;
      // Like the engine: the finding is on the line where the secret starts.
      const index = m.indices?.groups?.['secret']?.[0] ?? m.index;
      const line = lineOf(starts, index);
      const lineText = text.slice(starts[line - 1] ?? 0, (starts[line] ?? text.length + 1) - 1);
      if (rule.minEntropy !== undefined && shannonEntropy(secret) < rule.minEntropy) continue;
      if (rule.validate && !rule.validate(secret, { line: lineText, path })) continue;
      if (isFalsePositive(secret, { line: lineText, path, ruleId: rule.id })) continue;
      const key = `${rule.id}\u0000${line}\u0000${secret}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ ruleId: rule.id, line, secret });
    }
  }
  return out;
}
