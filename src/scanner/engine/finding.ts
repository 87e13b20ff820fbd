/**
 * @module The finding a scan reports, plus the two derived values every finding carries: a
 * stable fingerprint (sha256 of rule id and secret, so it survives rebases and line moves) and
 * the redacted form of the secret shown by default.
 */
import { createHash } from 'node:crypto';
import type { Severity } from '../rules/rule.js';
import type { ManagedSecretRef } from '../managed/fingerprint-set.js';

/** Where a finding came from in git history (absent for working-tree and staged scans). */
export interface CommitInfo {
  readonly commit: string;
  readonly author: string;
  readonly email: string;
  /** ISO-8601 author date. */
  readonly date: string;
  /** Commit subject line. */
  readonly message: string;
}

export interface Finding {
  readonly ruleId: string;
  readonly provider: string;
  readonly description: string;
  readonly severity: Severity;
  /** Path relative to the scan root, `-` for stdin, `image:<layer>:<path>` for images. */
  readonly file: string;
  /** 1-based line of the first character of the secret. */
  readonly line: number;
  /** 1-based column (UTF-16 units) of the first character of the secret. */
  readonly column: number;
  /** 1-based line of the last character when the secret spans lines. */
  readonly endLine?: number;
  readonly secret: string;
  readonly redacted: string;
  /** sha256(ruleId + '\0' + secret), hex. */
  readonly fingerprint: string;
  /** Set when the secret was found inside decoded content (`base64`, `hex`, `percent`). */
  readonly encoding?: string;
  /** `hush scan --server`: the secrets managed in Hush whose value this is (never the value). */
  readonly managed?: readonly ManagedSecretRef[];
  readonly commit?: string;
  readonly author?: string;
  readonly email?: string;
  readonly date?: string;
  readonly message?: string;
}

/** The stable identity of a leaked secret: independent of file, line and commit. */
export function fingerprintOf(ruleId: string, secret: string): string {
  return createHash('sha256').update(ruleId).update('\0').update(secret).digest('hex');
}

/** First 4 characters then an ellipsis; secrets of 12 characters or fewer are fully masked. */
export function redact(secret: string): string {
  if (secret.length <= 12) return '*'.repeat(Math.max(secret.length, 4));
  return `${secret.slice(0, 4)}…`;
}

/** Sort key: file, line, column, rule; used by every reporter so output is stable. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.line - b.line ||
    a.column - b.column ||
    (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0) ||
    ((a.commit ?? '') < (b.commit ?? '') ? -1 : (a.commit ?? '') > (b.commit ?? '') ? 1 : 0)
  );
}

/** Removes exact duplicates (same rule, place, secret and commit), keeping the first. */
export function dedupeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const f of findings) {
    const key = `${f.fingerprint}\0${f.file}\0${f.line}\0${f.column}\0${f.commit ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}
