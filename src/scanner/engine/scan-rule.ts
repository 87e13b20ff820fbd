/**
 * @module The engine's view of a rule: the committed {@link Rule} contract plus the optional
 * extras that rules imported from a `.gitleaks.toml` carry (a numbered secret group, per-rule
 * allowlists). Built-in rules never set the extras.
 */
import type { Rule } from '../rules/rule.js';

/** gitleaks-style allowlist: a match is dropped when any listed condition holds. */
export interface Allowlist {
  /** Regexes tested against `regexTarget` (the secret by default). */
  readonly regexes: readonly RegExp[];
  readonly regexTarget: 'secret' | 'match' | 'line';
  /** Path regexes tested against the file path. */
  readonly paths: readonly RegExp[];
  /** Lower-case words; a secret containing one is dropped. */
  readonly stopwords: readonly string[];
  /** Commit ids (full or prefixes) whose findings are dropped. */
  readonly commits: readonly string[];
  /** `AND` means every non-empty condition must hold; default `OR`. */
  readonly condition: 'OR' | 'AND';
}

export interface ScanRule extends Rule {
  /** Capture group number holding the secret (gitleaks `secretGroup`); `secret` group wins. */
  readonly secretGroup?: number;
  readonly allowlists?: readonly Allowlist[];
}

/** Does `allowlist` drop this match? */
export function allowlistMatches(
  allowlist: Allowlist,
  m: { readonly secret: string; readonly match: string; readonly line: string; readonly path: string; readonly commit?: string },
): boolean {
  const checks: boolean[] = [];
  if (allowlist.regexes.length > 0) {
    const target = allowlist.regexTarget === 'match' ? m.match : allowlist.regexTarget === 'line' ? m.line : m.secret;
    checks.push(allowlist.regexes.some((re) => testOnce(re, target)));
  }
  if (allowlist.paths.length > 0) checks.push(allowlist.paths.some((re) => testOnce(re, m.path)));
  if (allowlist.stopwords.length > 0) {
    const lower = m.secret.toLowerCase();
    checks.push(allowlist.stopwords.some((w) => lower.includes(w)));
  }
  if (allowlist.commits.length > 0) {
    const c = m.commit;
    checks.push(c !== undefined && allowlist.commits.some((x) => c.startsWith(x)));
  }
  if (checks.length === 0) return false;
  return allowlist.condition === 'AND' ? checks.every(Boolean) : checks.some(Boolean);
}

function testOnce(re: RegExp, s: string): boolean {
  re.lastIndex = 0;
  const r = re.test(s);
  re.lastIndex = 0;
  return r;
}
