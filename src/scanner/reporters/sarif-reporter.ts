/**
 * @module SARIF 2.1.0 report for GitHub code scanning: one run, `tool.driver.rules` for every
 * rule that fired, results with `ruleId`/`ruleIndex`, a physical location (relative URI,
 * 1-based region) and `partialFingerprints` carrying our stable fingerprint.
 */
import type { Finding } from '../engine/finding.js';
import type { Severity } from '../rules/rule.js';
import { shownSecret } from './report-format.js';
import type { ReportOptions } from './report-format.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { critical: 'error', high: 'error', medium: 'warning', low: 'note' };
const SECURITY_SEVERITY: Record<Severity, string> = { critical: '9.5', high: '8.0', medium: '5.0', low: '2.0' };

export function sarifReport(findings: readonly Finding[], options: ReportOptions): string {
  const ruleIndex = new Map<string, number>();
  const rules: unknown[] = [];
  for (const f of findings) {
    if (ruleIndex.has(f.ruleId)) continue;
    ruleIndex.set(f.ruleId, rules.length);
    rules.push({
      id: f.ruleId,
      name: toPascal(f.ruleId),
      shortDescription: { text: f.description },
      fullDescription: { text: `${f.provider}: ${f.description}` },
      help: { text: 'Revoke and rotate the credential, then remove it from the code (and history if pushed).' },
      defaultConfiguration: { level: LEVEL[f.severity] },
      properties: { tags: ['security', 'secret'], 'security-severity': SECURITY_SEVERITY[f.severity] },
    });
  }
  const results = findings.map((f) => ({
    ruleId: f.ruleId,
    ruleIndex: ruleIndex.get(f.ruleId) ?? 0,
    level: LEVEL[f.severity],
    message: { text: `${f.description} (${f.provider}): ${shownSecret(f, options)}${f.commit !== undefined ? ` in commit ${f.commit.slice(0, 12)}` : ''}` },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: toUri(f.file) },
          region: {
            startLine: f.line,
            startColumn: f.column,
            ...(f.endLine !== undefined ? { endLine: f.endLine } : {}),
          },
        },
      },
    ],
    partialFingerprints: { 'hushSecret/v1': f.fingerprint },
    ...(f.commit !== undefined
      ? { properties: { commit: f.commit, author: f.author, email: f.email, date: f.date } }
      : {}),
  }));
  const doc = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'hush-scan', informationUri: 'https://github.com/hush/hush', version: options.toolVersion, rules } },
        results,
      },
    ],
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

function toUri(file: string): string {
  return file.split('/').map((seg) => encodeURIComponent(seg)).join('/');
}

function toPascal(id: string): string {
  return id.split(/[-_]/).map((w) => (w === '' ? '' : w[0]!.toUpperCase() + w.slice(1))).join('');
}
