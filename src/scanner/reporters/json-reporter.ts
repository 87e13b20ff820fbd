/**
 * @module JSON report: an array of findings; `secret` is omitted unless `showSecrets`.
 */
import type { Finding } from '../engine/finding.js';
import type { ReportOptions } from './report-format.js';

export function jsonReport(findings: readonly Finding[], options: ReportOptions): string {
  const out = findings.map((f) => {
    if (options.showSecrets) return f;
    const { secret: _secret, ...rest } = f;
    return rest;
  });
  return JSON.stringify(out, null, 2) + '\n';
}
