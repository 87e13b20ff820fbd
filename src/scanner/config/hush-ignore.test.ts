import { describe, expect, it } from 'vitest';
import { fingerprintOf } from '../engine/finding.js';
import type { Finding } from '../engine/finding.js';
import { formatBaseline } from './baseline.js';
import { isFindingIgnored, parseHushIgnore } from './hush-ignore.js';
import { globToRegex } from './path-glob.js';

function finding(file: string, secret: string, line = 1): Finding {
  const fingerprint = fingerprintOf('r', secret);
  return { ruleId: 'r', provider: 'p', description: 'd', severity: 'high', file, line, column: 1, secret, redacted: '****', fingerprint };
}

describe('.hushignore', () => {
  it('matches path globs like gitignore and fingerprints exactly', () => {
    const fp = fingerprintOf('r', 'the-secret-value');
    const ig = parseHushIgnore(`# test data\n\ntest/fixtures/\n*.lock\n/docs/**/*.md\n${fp.toUpperCase()}\n`);
    expect(isFindingIgnored(ig, finding('test/fixtures/a.py', 'x'))).toBe(true);
    expect(isFindingIgnored(ig, finding('sub/package.lock', 'x'))).toBe(true);
    expect(isFindingIgnored(ig, finding('docs/a/b/c.md', 'x'))).toBe(true);
    expect(isFindingIgnored(ig, finding('src/docs/c.md', 'x'))).toBe(false);
    expect(isFindingIgnored(ig, finding('src/app.py', 'the-secret-value'))).toBe(true);
    expect(isFindingIgnored(ig, finding('src/app.py', 'another'))).toBe(false);
    expect(isFindingIgnored(ig, finding('image:sha256:ab:test/fixtures/k', 'x'))).toBe(true);
  });

  it('globs: * stays in a segment, ** crosses, ? is one char', () => {
    expect(globToRegex('src/*.ts').test('src/a.ts')).toBe(true);
    expect(globToRegex('src/*.ts').test('src/x/a.ts')).toBe(false);
    expect(globToRegex('src/**/a.ts').test('src/x/y/a.ts')).toBe(true);
    expect(globToRegex('src/**/a.ts').test('src/a.ts')).toBe(true);
    expect(globToRegex('?.env').test('deep/a.env')).toBe(true);
  });
});

describe('baseline', () => {
  it('is sorted, deduplicated and independent of line numbers', () => {
    const a = formatBaseline([finding('x', 'bbb', 9), finding('y', 'aaa', 1), finding('z', 'bbb', 3)]);
    const b = formatBaseline([finding('y', 'aaa', 40), finding('x', 'bbb', 2)]);
    expect(a).toBe(b);
    const doc = JSON.parse(a) as { version: number; fingerprints: string[] };
    expect(doc.version).toBe(1);
    expect(doc.fingerprints).toEqual([fingerprintOf('r', 'aaa'), fingerprintOf('r', 'bbb')].sort());
    expect(formatBaseline([])).toBe('{\n  "version": 1,\n  "fingerprints": []\n}\n');
  });
});
