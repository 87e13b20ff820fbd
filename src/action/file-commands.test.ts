import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { appendFileCommands, formatFileCommand } from './file-commands.js';

const dir = mkdtempSync(join(tmpdir(), 'hush-file-commands-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('file commands (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_STATE)', () => {
  it('writes one heredoc block per entry, the value unchanged between the delimiter lines', () => {
    expect(formatFileCommand('KEY', 'a\r\nb\n', () => '1')).toBe('KEY<<ghadelimiter_1\na\r\nb\n\nghadelimiter_1\n');
    expect(formatFileCommand('EMPTY', '', () => '1')).toBe('EMPTY<<ghadelimiter_1\n\nghadelimiter_1\n');
  });

  it('draws a random delimiter that the value does not contain', () => {
    const a = formatFileCommand('K', 'v');
    const b = formatFileCommand('K', 'v');
    expect(a).toMatch(/^K<<(ghadelimiter_[0-9a-f]{32})\nv\n\1\n$/);
    expect(a).not.toBe(b);
    const randoms = ['taken', 'free'];
    expect(formatFileCommand('K', 'a\nghadelimiter_taken\nb', () => randoms.shift()!)).toBe('K<<ghadelimiter_free\na\nghadelimiter_taken\nb\nghadelimiter_free\n');
  });

  it('refuses names the runner would read differently', () => {
    for (const name of ['', 'A=B', 'A<<B', 'A\nB']) expect(() => formatFileCommand(name, 'v')).toThrow(/cannot be used as a variable name/);
  });

  it('appends all entries to the file the variable names, and says so when it is not set', () => {
    const file = join(dir, 'set_env');
    writeFileSync(file, 'EARLIER=1\n');
    appendFileCommands({ GITHUB_ENV: file }, 'GITHUB_ENV', [['A', '1'], ['B', '2']]);
    expect(readFileSync(file, 'utf8')).toMatch(/^EARLIER=1\nA<<(\S+)\n1\n\1\nB<<(\S+)\n2\n\2\n$/);
    expect(() => appendFileCommands({}, 'GITHUB_OUTPUT', [['A', '1']])).toThrow(/GITHUB_OUTPUT is not set/);
    expect(() => appendFileCommands({}, 'GITHUB_OUTPUT', [])).not.toThrow();
  });

  it('creates a missing file owner-only (0600): the values are secrets', () => {
    const file = join(dir, 'missing_output');
    appendFileCommands({ GITHUB_OUTPUT: file }, 'GITHUB_OUTPUT', [['A', 'secret']]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toMatch(/^A<<(\S+)\nsecret\n\1\n$/);
  });
});
