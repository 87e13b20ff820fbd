/**
 * @module Rules and helpers shared by the scanner's tests (excluded from the build): two small
 * rules so the engine can be tested before and independently of the real rule set, and a
 * temporary git repository maker.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ScanEngine } from './engine/scan-engine.js';
import type { BuiltEngine } from './engine/engine-factory.js';
import { ruleSetVersion } from './engine/rule-set.js';
import { base62, crc32 } from './rules/codec.js';
import { defineRule } from './rules/rule.js';

/** A GitHub classic token shape with a valid CRC32 checksum (random body, never a real token). */
export function githubToken(body30: string): string {
  return `ghp_${body30}${base62(crc32(body30), 6)}`;
}

export const TEST_TOKEN = githubToken('aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1');
export const TEST_TOKEN_2 = githubToken('Zy8xW6vU4tS2rQ0pO8nM6lK4jI2hG0');

export const TEST_RULES = [
  defineRule({
    id: 'test-github-pat',
    provider: 'GitHub',
    description: 'GitHub personal access token',
    severity: 'high',
    keywords: ['ghp_'],
    regex: /\b(?<secret>ghp_[A-Za-z0-9]{36})\b/g,
  }),
  defineRule({
    id: 'generic-password',
    provider: 'Generic',
    description: 'Password assignment',
    severity: 'medium',
    keywords: ['password'],
    regex: /password\s{0,5}[:=]\s{0,5}["']?(?<secret>[^\s"']{8,64})/gi,
    minEntropy: 3,
  }),
];

export function testEngine(): BuiltEngine {
  return { engine: new ScanEngine({ rules: TEST_RULES }), rules: TEST_RULES, version: ruleSetVersion(TEST_RULES) };
}

/** A fresh git repository in a temp dir; returns its path and helpers. */
export function makeRepo(): { dir: string; write: (p: string, s: string) => void; git: (...a: string[]) => string; commit: (m: string) => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hush-scan-'));
  const git = (...a: string[]) => execFileSync('git', a, { cwd: dir, encoding: 'utf8' });
  git('init', '-q', '-b', 'main');
  git('config', 'user.email', 'dev@example.test');
  git('config', 'user.name', 'Dev One');
  git('config', 'commit.gpgsign', 'false');
  const write = (p: string, s: string) => {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), s);
  };
  const commit = (m: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', m);
  };
  return { dir, write, git, commit };
}
