/**
 * @module The reporter contract: findings in, one string out (written to stdout or `--output`).
 * Secrets appear only when `showSecrets` is set; otherwise the redacted form is used.
 */
import type { Finding } from '../engine/finding.js';

export type ReportFormat = 'text' | 'json' | 'sarif' | 'junit';

export const REPORT_FORMATS: readonly ReportFormat[] = ['text', 'json', 'sarif', 'junit'];

export interface ReportOptions {
  readonly showSecrets: boolean;
  /** ANSI colours (text only); on when writing to a terminal. */
  readonly color: boolean;
  readonly toolVersion: string;
}

export type Reporter = (findings: readonly Finding[], options: ReportOptions) => string;

/** The secret as a report shows it. */
export function shownSecret(f: Finding, options: ReportOptions): string {
  return options.showSecrets ? f.secret : f.redacted;
}
