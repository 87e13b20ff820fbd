/**
 * @module Human-readable report: one block per finding (`file:line:col`, rule, severity,
 * secret redacted unless asked, fingerprint, commit when known), ANSI colour on a terminal.
 */
import type { Finding } from '../engine/finding.js';
import { describeRef } from '../managed/fingerprint-set.js';
import { shownSecret } from './report-format.js';
import type { ReportOptions } from './report-format.js';

const SEVERITY_COLOR = { critical: '35', high: '31', medium: '33', low: '36' } as const;

export function textReport(findings: readonly Finding[], options: ReportOptions): string {
  const c = (code: string, s: string) => (options.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const out: string[] = [];
  for (const f of findings) {
    out.push(`${c('1', `${f.file}:${f.line}:${f.column}`)}  ${c(SEVERITY_COLOR[f.severity], f.severity)}  ${f.ruleId} (${f.provider})`);
    out.push(`    secret: ${shownSecret(f, options)}${f.encoding !== undefined ? `  [${f.encoding}-encoded]` : ''}`);
    for (const m of f.managed ?? []) out.push(`    managed: ${describeRef(m)}`);
    out.push(`    fingerprint: ${f.fingerprint}`);
    if (f.commit !== undefined) {
      out.push(`    commit: ${f.commit.slice(0, 12)} ${f.author ?? ''} <${f.email ?? ''}> ${f.date ?? ''}`);
      if (f.message !== undefined && f.message !== '') out.push(`    message: ${f.message}`);
    }
  }
  const n = findings.length;
  out.push(n === 0 ? c('32', 'No leaks found.') : c('31', `${n} leak${n === 1 ? '' : 's'} found.`));
  return out.join('\n') + '\n';
}
