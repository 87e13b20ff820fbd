import { describe, expect, it } from 'vitest';
import { defineRule } from '../rules/rule.js';
import { fingerprintOf, redact } from './finding.js';
import { KeywordPrefilter } from './keyword-prefilter.js';
import { ScanEngine, isBinary } from './scan-engine.js';

const ghp = defineRule({
  id: 'test-github-pat',
  provider: 'GitHub',
  description: 'GitHub personal access token',
  severity: 'high',
  keywords: ['ghp_'],
  regex: /\b(?<secret>ghp_[A-Za-z0-9]{36})\b/g,
});
const generic = defineRule({
  id: 'generic-password',
  provider: 'Generic',
  description: 'Password assignment',
  severity: 'medium',
  keywords: ['password'],
  regex: /password\s*[:=]\s*["']?(?<secret>[^\s"']{8,64})/gi,
  minEntropy: 3,
});
const TOKEN = 'ghp_' + 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5';

function engine(extra: Partial<ConstructorParameters<typeof ScanEngine>[0]> = {}): ScanEngine {
  return new ScanEngine({ rules: [ghp, generic], ...extra });
}

describe('ScanEngine', () => {
  it('reports line, column, fingerprint and redacted secret', () => {
    const text = `first line\nconst t = "${TOKEN}";\n`;
    const [f, ...rest] = engine().scanText(text, { path: 'a.ts' });
    expect(rest).toHaveLength(0);
    expect(f).toMatchObject({ ruleId: 'test-github-pat', file: 'a.ts', line: 2, column: 12, secret: TOKEN });
    expect(f?.fingerprint).toBe(fingerprintOf('test-github-pat', TOKEN));
    expect(f?.redacted).toBe('ghp_…');
  });

  it('keeps the fingerprint when the line moves', () => {
    const a = engine().scanText(`x = "${TOKEN}"`, { path: 'a' });
    const b = engine().scanText(`\n\n\n   y = "${TOKEN}"`, { path: 'b' });
    expect(a[0]?.fingerprint).toBe(b[0]?.fingerprint);
  });

  it('masks short secrets fully', () => {
    expect(redact('abc')).toBe('****');
    expect(redact('abcdefghijkl')).toBe('************');
    expect(redact('abcdefghijklm')).toBe('abcd…');
  });

  it('honours hush:allow on the line', () => {
    expect(engine().scanText(`t = "${TOKEN}" # hush:allow`, { path: 'a' })).toHaveLength(0);
    const b64 = Buffer.from(`token: ${TOKEN}`).toString('base64');
    expect(engine().scanText(`x: ${b64}  # hush:allow`, { path: 'a' })).toHaveLength(0);
  });

  it('applies the entropy threshold and the false-positive filter', () => {
    expect(engine().scanText('password = "aaaaaaaaaa"', { path: 'a' })).toHaveLength(0);
    expect(engine().scanText('password = "Xk9#mQ2$vL"', { path: 'a' })).toHaveLength(1);
    const e = engine({ isFalsePositive: (s) => s.startsWith('Xk9') });
    expect(e.scanText('password = "Xk9#mQ2$vL"', { path: 'a' })).toHaveLength(0);
  });

  it('drops a generic match overlapping a specific one', () => {
    const found = engine().scanText(`password = "${TOKEN}"`, { path: 'a' });
    expect(found.map((f) => f.ruleId)).toEqual(['test-github-pat']);
  });

  it('finds secrets inside base64, hex and percent-encoded runs', () => {
    const inner = `token: ${TOKEN}`;
    const b64 = Buffer.from(inner).toString('base64');
    const hex = Buffer.from(inner).toString('hex');
    const text = `a: ${b64}\nb: ${hex}\nc: https://x.test/?q=${encodeURIComponent('password="Xk9#mQ2$vL"')}\n`;
    const found = engine().scanText(text, { path: 'k.yaml' });
    expect(found.map((f) => [f.ruleId, f.line, f.encoding])).toEqual([
      ['test-github-pat', 1, 'base64'],
      ['test-github-pat', 2, 'hex'],
      ['generic-password', 3, 'percent'],
    ]);
    const twice = Buffer.from(Buffer.from(inner).toString('base64')).toString('base64');
    expect(engine().scanText(twice, { path: 'k' })[0]?.encoding).toBe('base64+base64');
  });

  it('skips binary buffers and chunks large ones without losing or duplicating findings', () => {
    expect(engine().scanBuffer(Buffer.from(`\0${TOKEN}`), { path: 'b' })).toHaveLength(0);
    expect(isBinary(Buffer.from('abc'))).toBe(false);
    const lines: string[] = [];
    for (let i = 0; i < 5000; i++) lines.push(i % 1000 === 999 ? `k = "${TOKEN}"` : `line ${i} of filler text here`);
    const buf = Buffer.from(lines.join('\n'));
    const small = new ScanEngine({ rules: [ghp], chunkSize: 4096 * 3 });
    const found = small.scanBuffer(buf, { path: 'big' });
    expect(found.map((f) => f.line)).toEqual([1000, 2000, 3000, 4000, 5000]);
  });

  it('reports multi-line secrets with endLine', () => {
    const pk = defineRule({
      id: 'test-pk', provider: 'x', description: 'x', severity: 'critical', keywords: ['-----begin'],
      regex: /-----BEGIN KEY-----[\s\S]{1,200}?-----END KEY-----/g,
    });
    const [f] = new ScanEngine({ rules: [pk] }).scanText('x\n-----BEGIN KEY-----\nabc\n-----END KEY-----\n', { path: 'k' });
    expect(f).toMatchObject({ line: 2, column: 1, endLine: 4 });
  });
});

describe('KeywordPrefilter', () => {
  it('selects rules whose keywords occur, case-insensitively, including overlapping keywords', () => {
    const rules = [{ keywords: ['ghp_'] }, { keywords: ['hp_x'] }, { keywords: ['gh'] }, { keywords: [] }, { keywords: ['zzz'] }];
    const p = new KeywordPrefilter(rules);
    expect(p.select('xx GHP_XY')).toEqual([
      { rule: rules[0], hits: [3] },
      { rule: rules[1], hits: [4] },
      { rule: rules[2], hits: [3] },
      { rule: rules[3], hits: null },
    ]);
    expect(p.select('nothing')).toEqual([{ rule: rules[3], hits: null }]);
    expect(p.select('gh gh ghp_x').map((s) => s.hits)).toEqual([[6], [7], [0, 3, 6], null]);
  });
});
