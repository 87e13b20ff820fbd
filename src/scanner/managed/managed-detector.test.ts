import { describe, expect, it } from 'vitest';
import { FingerprintKey, fingerprintValue } from '../../core/managed-secrets/value-fingerprints.js';
import { ScanEngine } from '../engine/scan-engine.js';
import { TEST_RULES } from '../test-rules.case.js';
import { forEachCandidate } from './candidate-spans.js';
import type { ManagedFingerprintData } from './fingerprint-set.js';
import { ManagedSecretDetector } from './managed-detector.js';

/** Fingerprints as the server makes them (the real producer, not a copy). */
function fingerprints(values: Record<string, string>): ManagedFingerprintData {
  const key = new FingerprintKey();
  return {
    hmacKey: key.encoded,
    entries: Object.entries(values).map(([path, value]) => ({
      mount: 'secret/',
      path,
      key: 'value',
      version: 2,
      currentVersion: 2,
      forms: fingerprintValue(key, value)!,
    })),
  };
}

const spans = (text: string, length: number) => {
  const out: string[] = [];
  forEachCandidate(text, (n) => n === length, (s, l) => out.push(text.slice(s, s + l)));
  return [...new Set(out)];
};

describe('candidate spans', () => {
  it('proposes runs, quoted strings and assignment values of the wanted lengths only', () => {
    expect(spans('x = foo(bar-baz1, "qux quux")\n', 8)).toEqual(['bar-baz1', 'qux quux']);
    expect(spans('x = "qux quux"\n', 8)).toEqual(['qux quux']);
    expect(spans('PASSWORD=with spaces # note\n', 11)).toEqual(['with spaces']);
    expect(spans('url: postgres://user:s3cr3tpw@host/db\n', 8)).toEqual(['postgres', 's3cr3tpw']);
    expect(spans("it's \"tab\\\"quoted\"\n", 11)).toEqual(['tab\\"quoted']);
  });
});

describe('ManagedSecretDetector in the scan engine', () => {
  const data = fingerprints({ 'app/db': 'Pg-pass-8Zq!x', 'app/key': 'k3y with a space' });
  const engine = new ScanEngine({ rules: TEST_RULES, detectors: [new ManagedSecretDetector(data)] });

  it('finds plain and encoded forms in text no rule matches, at the right place', () => {
    const text = `first line\nDB=Pg-pass-8Zq!x\nb64: ${Buffer.from('Pg-pass-8Zq!x').toString('base64')}\nk = 'k3y with a space'\n`;
    const found = engine.scanText(text, { path: 'conf' });
    expect(found.map((f) => [f.line, f.column, f.managed?.[0]?.path, f.encoding ?? 'plain'])).toEqual([
      [2, 4, 'app/db', 'plain'],
      [3, 6, 'app/db', 'base64'],
      [4, 6, 'app/key', 'plain'],
    ]);
    expect(found[0]).toMatchObject({ ruleId: 'hush-managed-secret', severity: 'critical', redacted: 'Pg-p…' });
  });

  it('replaces an overlapping generic finding and honours hush:allow', () => {
    const found = engine.scanText('password = "Pg-pass-8Zq!x"\n', { path: 'a.py' });
    expect(found.map((f) => f.ruleId)).toEqual(['hush-managed-secret']);
    expect(engine.scanText('password = "Pg-pass-8Zq!x" # hush:allow\n', { path: 'a.py' })).toEqual([]);
  });

  it('reports nothing for unmanaged values and after a scan with another key', () => {
    expect(engine.scanText('DB=Pg-pass-8Zq!y\n', { path: 'a' })).toEqual([]);
    const other = new ScanEngine({ rules: [], detectors: [new ManagedSecretDetector(fingerprints({ x: 'another-value-1' }))] });
    expect(other.scanText('DB=Pg-pass-8Zq!x\n', { path: 'a' })).toEqual([]);
  });
});
