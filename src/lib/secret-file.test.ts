import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HushError } from './errors.js';
import { appendPrivateFile, writePrivateFile } from '../export/private-file.js';
import { writeSecretFile } from './secret-file.js';

let dir: string;
let umask: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-secret-file-'));
  // the most permissive umask: modes must come from our own open(2) calls
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

const mode = (p: string) => statSync(p).mode & 0o777;

describe('writePrivateFile', () => {
  it('creates the file 0600 and leaves no temporary file', () => {
    const file = join(dir, 'out.env');
    writePrivateFile(file, 'A=1\n');
    expect(readFileSync(file, 'utf8')).toBe('A=1\n');
    expect(mode(file)).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['out.env']);
  });

  it('replaces an existing world-readable file with a 0600 one', () => {
    const file = join(dir, 'out.env');
    writeFileSync(file, 'old content that is longer\n', { mode: 0o644 });
    writePrivateFile(file, 'new\n');
    expect(readFileSync(file, 'utf8')).toBe('new\n');
    expect(mode(file)).toBe(0o600);
  });

  it('fails with a HushError naming the path when the directory is missing', () => {
    const file = join(dir, 'missing', 'out.env');
    expect(() => writePrivateFile(file, 'x')).toThrow(HushError);
    expect(() => writePrivateFile(file, 'x')).toThrow(`cannot write ${file}: ENOENT`);
  });
});

describe('appendPrivateFile', () => {
  it('creates a missing file 0600 and appends to an existing one, keeping its content', () => {
    const file = join(dir, 'github_env');
    appendPrivateFile(file, 'A<<D\n1\nD\n');
    expect(mode(file)).toBe(0o600);
    appendPrivateFile(file, 'B<<D\n2\nD\n');
    expect(readFileSync(file, 'utf8')).toBe('A<<D\n1\nD\nB<<D\n2\nD\n');
  });
});

describe('writeSecretFile', () => {
  it('writes bytes 0600, and leaves no temporary file when the target cannot be replaced', () => {
    const file = join(dir, 'share');
    writeSecretFile(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(mode(file)).toBe(0o600);
    const occupied = join(dir, 'a-directory');
    mkdirSync(join(occupied, 'inside'), { recursive: true });
    expect(() => writeSecretFile(occupied, 'x')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir).sort()).toEqual(['a-directory', 'share']);
  });
});
