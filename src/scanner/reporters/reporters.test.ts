import { describe, expect, it } from 'vitest';
import { fingerprintOf, redact } from '../engine/finding.js';
import type { Finding } from '../engine/finding.js';
import { REPORTERS } from './reporters.js';

const SECRET = 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5';
const base: Finding = {
  ruleId: 'github-pat-classic',
  provider: 'GitHub',
  description: 'GitHub personal access token',
  severity: 'high',
  file: 'src/my app.py',
  line: 3,
  column: 9,
  secret: SECRET,
  redacted: redact(SECRET),
  fingerprint: fingerprintOf('github-pat-classic', SECRET),
};
const historic: Finding = { ...base, file: 'old.py', commit: 'a'.repeat(40), author: 'Dev <One>', email: 'd@x.test', date: '2024-01-01T00:00:00Z', message: 'oops & fix' };
const opts = { showSecrets: false, color: false, toolVersion: '0.1.0' };

describe('reporters', () => {
  it('never print the secret unless asked', () => {
    for (const [name, report] of Object.entries(REPORTERS)) {
      expect(report([base, historic], opts), name).not.toContain(SECRET);
      expect(report([base], { ...opts, showSecrets: true }), name).toContain(SECRET);
    }
  });

  it('text: location, rule, fingerprint, no colour unless asked', () => {
    const out = REPORTERS.text([base, historic], opts);
    expect(out).toContain('src/my app.py:3:9  high  github-pat-classic (GitHub)');
    expect(out).toContain(`fingerprint: ${base.fingerprint}`);
    expect(out).toContain('commit: aaaaaaaaaaaa Dev <One> <d@x.test>');
    expect(out).not.toContain('\x1b[');
    expect(REPORTERS.text([base], { ...opts, color: true })).toContain('\x1b[');
    expect(REPORTERS.text([], opts)).toBe('No leaks found.\n');
  });

  it('json: findings without the secret field by default', () => {
    const [f] = JSON.parse(REPORTERS.json([base], opts)) as Record<string, unknown>[];
    expect(f).toMatchObject({ ruleId: 'github-pat-classic', line: 3, column: 9, redacted: 'ghp_…', fingerprint: base.fingerprint });
    expect(f).not.toHaveProperty('secret');
  });

  it('sarif: 2.1.0 with driver rules, indexed results, relative URIs and partial fingerprints', () => {
    const doc = JSON.parse(REPORTERS.sarif([base, historic], opts)) as {
      version: string;
      runs: { tool: { driver: { name: string; rules: { id: string }[] } }; results: Record<string, unknown>[] }[];
    };
    expect(doc.version).toBe('2.1.0');
    const run = doc.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(['github-pat-classic']);
    expect(run.results).toHaveLength(2);
    expect(run.results[0]).toMatchObject({
      ruleId: 'github-pat-classic',
      ruleIndex: 0,
      level: 'error',
      locations: [{ physicalLocation: { artifactLocation: { uri: 'src/my%20app.py' }, region: { startLine: 3, startColumn: 9 } } }],
      partialFingerprints: { 'hushSecret/v1': base.fingerprint },
    });
    expect(JSON.parse(REPORTERS.sarif([], opts)).runs[0].results).toEqual([]);
  });

  it('junit: one failing case per finding, XML-escaped', () => {
    const xml = REPORTERS.junit([base, historic], opts);
    expect(xml).toContain('tests="2" failures="2"');
    expect(xml).toContain('Dev &#60;One&#62;');
    expect(xml.match(/<testcase /g)).toHaveLength(2);
    expect(REPORTERS.junit([], opts)).toContain('failures="0"');
  });
});
