/**
 * @module JUnit XML report for CI systems that only read test results: one failing test case
 * per finding, or one passing case when there is none.
 */
import type { Finding } from '../engine/finding.js';
import { shownSecret } from './report-format.js';
import type { ReportOptions } from './report-format.js';

export function junitReport(findings: readonly Finding[], options: ReportOptions): string {
  const cases = findings.map((f) => {
    const where = `${f.file}:${f.line}:${f.column}`;
    const body = [
      `${f.description} (${f.provider})`,
      `secret: ${shownSecret(f, options)}`,
      `fingerprint: ${f.fingerprint}`,
      ...(f.commit !== undefined ? [`commit: ${f.commit} ${f.author ?? ''} ${f.date ?? ''}`] : []),
    ].join('\n');
    return (
      `    <testcase classname="${xml(f.ruleId)}" name="${xml(where)}">\n` +
      `      <failure type="${xml(f.severity)}" message="${xml(`${f.ruleId} at ${where}`)}">${xml(body)}</failure>\n` +
      `    </testcase>`
    );
  });
  if (cases.length === 0) cases.push('    <testcase classname="hush-scan" name="no leaks"/>');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<testsuites name="hush-scan" tests="${Math.max(1, findings.length)}" failures="${findings.length}">\n` +
    `  <testsuite name="hush-scan" tests="${Math.max(1, findings.length)}" failures="${findings.length}" errors="0">\n` +
    cases.join('\n') +
    '\n  </testsuite>\n</testsuites>\n'
  );
}

function xml(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f]/g, '').replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
