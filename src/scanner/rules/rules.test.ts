import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../corpus/generate-fixtures.js';
import { corpusFiles, loadLabels } from '../corpus/measure.js';
import { scanText } from '../corpus/matcher.js';
import { SAMPLES } from '../corpus/samples.js';
import { base62, crc32, hasCrc32Base62Checksum } from './codec.js';
import { isSignedJwt } from './framework-rules.js';
import { RULESET_VERSION, isGenericRuleId, providerRules, rules } from './index.js';

const labels = loadLabels();
const files = corpusFiles();
const text = (file: string) => readFileSync(join(CORPUS_DIR, file), 'utf8');

describe('rule set', () => {
  it('covers at least 120 distinct providers', () => {
    const providers = new Set(rules.map((r) => r.provider));
    console.log(`rules: ${rules.length}, providers: ${providers.size}, ruleset ${RULESET_VERSION}`);
    expect(providers.size).toBeGreaterThanOrEqual(120);
  });

  it('has unique kebab-case ids, lower-case keywords and global regexes', () => {
    const ids = new Set<string>();
    for (const rule of rules) {
      expect(rule.id).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(ids.has(rule.id), rule.id).toBe(false);
      ids.add(rule.id);
      expect(rule.keywords.length, rule.id).toBeGreaterThan(0);
      for (const k of rule.keywords) expect(k, rule.id).toBe(k.toLowerCase());
      expect(rule.regex.global, rule.id).toBe(true);
    }
  });

  it('uses bounded quantifiers only (no +, * or {n,} outside character classes)', () => {
    for (const rule of rules) {
      const source = rule.regex.source.replace(/\\./g, '').replace(/\[[^\]]*\]/g, '');
      expect(/[+*]|\{\d+,\}/.test(source), rule.id).toBe(false);
    }
  });

  it('has a synthetic sample and corpus labels in two or more places for every rule', () => {
    const sampled = new Set(SAMPLES.map((s) => s.ruleId));
    for (const rule of providerRules) expect(sampled.has(rule.id), `${rule.id} has no sample`).toBe(true);
    for (const rule of rules) {
      const where = labels.filter((l) => l.ruleId === rule.id);
      expect(where.length, `${rule.id} labels`).toBeGreaterThanOrEqual(isGenericRuleId(rule.id) && rule.id !== 'generic-secret-assignment' && rule.id !== 'generic-secret-unquoted' ? 1 : 2);
    }
  });
});

describe('each rule on the corpus', () => {
  const byFile = new Map<string, ReturnType<typeof scanText>>();
  const findings = (file: string) => {
    let found = byFile.get(file);
    if (found === undefined) {
      found = scanText(text(file), file);
      byFile.set(file, found);
    }
    return found;
  };

  for (const rule of rules) {
    it(`${rule.id}: matches its positives, every match contains a keyword, no negatives`, () => {
      for (const label of labels.filter((l) => l.ruleId === rule.id)) {
        const hit = findings(label.file).some((f) => f.ruleId === rule.id && f.line === label.line);
        expect(hit, `${rule.id} at ${label.file}:${label.line}`).toBe(true);
        const raw = text(label.file);
        for (const m of raw.matchAll(new RegExp(rule.regex.source, rule.regex.flags))) {
          const lower = m[0].toLowerCase();
          expect(rule.keywords.some((k) => lower.includes(k)), `${rule.id} match without keyword: ${m[0].slice(0, 60)}`).toBe(true);
        }
      }
      for (const file of files.negative) {
        const bad = findings(file).filter((f) => f.ruleId === rule.id);
        expect(bad, `${rule.id} in ${file}`).toEqual([]);
      }
    });
  }
});

describe('validators', () => {
  it('checks the GitHub CRC32 base62 checksum', () => {
    const body = 'aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1';
    const good = `ghp_${body}${base62(crc32(body), 6)}`;
    expect(hasCrc32Base62Checksum(good, 4)).toBe(true);
    expect(hasCrc32Base62Checksum(`ghp_${body}${base62((crc32(body) + 1) >>> 0, 6)}`, 4)).toBe(false);
    expect(scanText(`token = "${good}"`, 'a.py').map((f) => f.ruleId)).toContain('github-pat-classic');
  });

  it("finds Hush's service tokens with and without the creation stamp, not longer runs", () => {
    const random = 'q7Wc2Lp9Xz4Rb8Nt1Vm6Kd3Hs5Jf0Gy2';
    for (const token of [`hvs.${random}`, `hvs.0aZ3kQ9${random}`]) {
      expect(scanText(`HUSH_TOKEN="${token}"`, 'ci.env').map((f) => f.ruleId)).toContain('hush-token');
    }
    expect(scanText(`HUSH_TOKEN="hvs.0aZ3kQ9${random}x"`, 'ci.env').map((f) => f.ruleId)).not.toContain('hush-token');
  });

  it('accepts only signed JWTs with a JSON header naming an algorithm', () => {
    const seg = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    expect(isSignedJwt(`${seg({ alg: 'RS256' })}.${seg({ sub: 'x' })}.${'s'.repeat(40)}`)).toBe(true);
    expect(isSignedJwt(`${seg({ alg: 'none' })}.${seg({ sub: 'x' })}.${'s'.repeat(40)}`)).toBe(false);
    expect(isSignedJwt(`${seg({ typ: 'JWT' })}.${seg({ sub: 'x' })}.${'s'.repeat(40)}`)).toBe(false);
    expect(isSignedJwt(`${seg({ alg: 'HS256' })}.${seg({ sub: 'x' })}.`)).toBe(false);
  });
});

describe('adversarial input', () => {
  const size = 100_000;
  const inputs: Record<string, (keywords: readonly string[]) => string> = {
    repeated: () => 'a'.repeat(size),
    repeatedDigits: () => '1'.repeat(size),
    alternating: () => 'aA1-_.+/='.repeat(size / 9),
    keywordSpam: (k) => `${k.join(' = "')} = "`.repeat(Math.ceil(size / Math.max(8, k.join('').length + 4))).slice(0, size),
    keywordGlued: (k) => k.join('x').repeat(Math.ceil(size / Math.max(1, k.join('x').length))).slice(0, size),
    unterminatedKey: () => `-----BEGIN RSA PRIVATE KEY-----\n${'QUJD\n'.repeat(size / 5)}`,
    longToken: (k) => `${k[0] ?? ''}${'Ab9_-'.repeat(size / 5)}`,
    urlSpam: () => 'postgres://user:'.repeat(size / 16),
  };
  it('every rule completes quickly on 100 KB adversarial inputs', () => {
    const slow: string[] = [];
    for (const rule of rules) {
      for (const [name, make] of Object.entries(inputs)) {
        const input = make(rule.keywords);
        const started = performance.now();
        let count = 0;
        for (const m of input.matchAll(new RegExp(rule.regex.source, rule.regex.flags))) {
          count += m[0].length > 0 ? 1 : 0;
          if (count > 50_000) break;
        }
        const ms = performance.now() - started;
        if (ms > 1500) slow.push(`${rule.id}/${name}: ${ms.toFixed(0)} ms`);
      }
    }
    expect(slow).toEqual([]);
  });
});
