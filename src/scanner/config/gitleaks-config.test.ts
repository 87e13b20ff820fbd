import { describe, expect, it } from 'vitest';
import { ScanEngine } from '../engine/scan-engine.js';
import { goRegex, parseGitleaksConfig } from './gitleaks-config.js';

const TOML = `
title = "team config"

[[rules]]
id = "acme-api-key"
description = "ACME API key"
regex = '''(?i)(?:acme)(?:[0-9a-z\\-_\\t .]{0,20})(?:=|:)\\s{0,5}['"]?([0-9A-Z]{24})['"]?'''
secretGroup = 1
entropy = 3.0
keywords = ["ACME"]
  [rules.allowlist]
  stopwords = ["q7x2k9"]

[[rules]]
id = "internal-token"
regex = '''itk_(?P<tok>[a-f0-9]{32})\\z'''
path = '''\\.env$'''

[[rules]]
id = "path-only"
path = '''id_rsa$'''

[allowlist]
description = "global"
paths = ['''(^|/)testdata/''']
regexes = ['''^0{24}$''']
commits = ["abc123"]
`;

describe('parseGitleaksConfig', () => {
  const cfg = parseGitleaksConfig(TOML);

  it('turns [[rules]] into scan rules, mapping Go regex syntax', () => {
    expect(cfg.rules.map((r) => r.id)).toEqual(['acme-api-key', 'internal-token']);
    const [acme, itk] = cfg.rules;
    expect(acme?.regex.flags).toContain('i');
    expect(acme?.keywords).toEqual(['acme']);
    expect(acme?.secretGroup).toBe(1);
    expect(acme?.minEntropy).toBe(3);
    expect(itk?.regex.source).toContain('(?<tok>');
    expect(itk?.regex.source.endsWith('$')).toBe(true);
    expect(itk?.path?.test('config/.env')).toBe(true);
  });

  it('honours per-rule and global allowlists', () => {
    const e = new ScanEngine({ rules: cfg.rules, allowlists: cfg.allowlists });
    const line = 'acme_key = "Q7X2K9M4T8W3R6Z1B5N0P2L4"';
    expect(e.scanText(line, { path: 'app.cfg' })).toHaveLength(0); // stopword
    const other = 'ACME_KEY: "B5N0P2L4Q9X3K8M1T7W2R6Z4"';
    expect(e.scanText(other, { path: 'app.cfg' }).map((f) => f.secret)).toEqual(['B5N0P2L4Q9X3K8M1T7W2R6Z4']);
    expect(e.scanText(other, { path: 'src/testdata/x.cfg' })).toHaveLength(0);
    expect(e.scanText(other, { path: 'app.cfg', commit: 'abc123def' })).toHaveLength(0);
    expect(e.scanText(`itk_${'ab'.repeat(16)}`, { path: 'prod.env' })).toHaveLength(1);
    expect(e.scanText(`itk_${'ab'.repeat(16)}`, { path: 'prod.txt' })).toHaveLength(0);
  });

  it('reports bad TOML and unsupported regexes as bad requests', () => {
    expect(() => parseGitleaksConfig('[[rules]\nid=')).toThrow(/invalid TOML/);
    expect(() => parseGitleaksConfig(`[[rules]]\nid = "x"\nregex = '''(?<=a+)b(['''`)).toThrow(/rule x: unsupported regex/);
    expect(() => parseGitleaksConfig(`[[rules]]\nid = "y"\nregex = '''(\\w+\\s?)+='''`)).toThrow(/rule y: regex risks catastrophic/);
  });

  it('maps POSIX classes and inline flags', () => {
    expect(goRegex('[[:alnum:]]{3}', 'x').test('a1B')).toBe(true);
    expect(goRegex('(?s)a.b', 'x').flags).toContain('s');
    expect(goRegex('x(?i:abc)', 'x').test('xABC')).toBe(true);
  });
});
