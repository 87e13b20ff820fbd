/**
 * @module The shape of a detection rule. A rule is plain data: an id, the provider it belongs
 * to, keywords for the prefilter and a regular expression whose `secret` named group (or the
 * whole match) is the credential. Rules are written by us from the token formats providers
 * document; none is copied from another scanner.
 *
 * Guarantees a rule must keep:
 * - `keywords` are lower-case literals; the rule's regex runs only on text containing one of
 *   them (so every match must contain at least one keyword, case-insensitively).
 * - `regex` is safe against catastrophic backtracking: bounded quantifiers on overlapping
 *   classes, no nested unbounded repetition.
 */

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Rule {
  /** Stable kebab-case id, e.g. `github-pat-classic`; part of every fingerprint. */
  readonly id: string;
  /** Human name of the provider, e.g. `GitHub`. */
  readonly provider: string;
  readonly description: string;
  readonly severity: Severity;
  /** Lower-case literals that every match contains; the prefilter. */
  readonly keywords: readonly string[];
  /** Global (`g`) regex; the `secret` named group is the credential (else the whole match). */
  readonly regex: RegExp;
  /** Minimum Shannon entropy (bits per char) of the secret; omitted = no entropy check. */
  readonly minEntropy?: number;
  /** Extra check on the secret (checksums, structure); false drops the match. */
  readonly validate?: (secret: string, context: RuleMatchContext) => boolean;
  /** Only files whose path matches are scanned with this rule (others are not even searched). */
  readonly path?: RegExp;
  /**
   * Every match starts on the line of a keyword it contains (nothing before the keyword can be a
   * newline): the engine's windows then begin at that line instead of the one before.
   */
  readonly startsOnKeywordLine?: boolean;
}

export interface RuleMatchContext {
  /** The full line the match starts on. */
  readonly line: string;
  /** File path relative to the scan root (`-` for stdin). */
  readonly path: string;
}

/** Helper for declaring a rule with type inference. */
export function defineRule(rule: Rule): Rule {
  return rule;
}
