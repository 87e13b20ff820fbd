import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatAge, parseDuration, readFallback, writeFallback } from './fallback-cache.js';

const dir = mkdtempSync(join(tmpdir(), 'hush-fallback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('fallback cache', () => {
  it('round-trips encrypted, 0600, without the plaintext on disk', () => {
    const file = join(dir, 'copy.enc');
    const fetchedAt = new Date('2026-11-23T10:00:00.000Z');
    writeFallback(file, 'pass phrase', { fetchedAt, entries: { 'secret/app': { DB_PASSWORD: 'very-secret-value' } } });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).not.toContain('very-secret-value');
    const back = readFallback(file, 'pass phrase');
    expect(back.fetchedAt.toISOString()).toBe(fetchedAt.toISOString());
    expect(back.entries).toEqual({ 'secret/app': { DB_PASSWORD: 'very-secret-value' } });
  });

  it('refuses a wrong passphrase, a tampered file and a missing one', () => {
    const file = join(dir, 'tamper.enc');
    writeFallback(file, 'right', { fetchedAt: new Date(), entries: {} });
    expect(() => readFallback(file, 'wrong')).toThrow(/cannot decrypt/);
    const body = JSON.parse(readFileSync(file, 'utf8'));
    body.kdf.N = 1 << 14;
    writeFileSync(file, JSON.stringify(body));
    expect(() => readFallback(file, 'right')).toThrow(/cannot decrypt/);
    expect(() => readFallback(join(dir, 'none'), 'x')).toThrow(/no fallback copy/);
  });

  it('parses and formats durations', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(() => parseDuration('soon')).toThrow(/bad duration/);
    expect(formatAge(3 * 3600_000 + 12 * 60_000)).toBe('3h12m');
    expect(formatAge(45_000)).toBe('45s');
  });
});
