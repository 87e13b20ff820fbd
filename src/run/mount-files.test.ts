import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mountSecretFiles } from './mount-files.js';

const base = mkdtempSync(join(tmpdir(), 'hush-mount-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('--mount files', () => {
  it('writes 0400 files in a 0700 directory it creates, and removes both', () => {
    const dir = join(base, 'new');
    const m = mountSecretFiles(dir, new Map([['DB_PASSWORD', 'pw'], ['API_KEY', 'k']]));
    expect(m.env).toEqual({ DB_PASSWORD_FILE: join(dir, 'DB_PASSWORD'), API_KEY_FILE: join(dir, 'API_KEY') });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'DB_PASSWORD')).mode & 0o777).toBe(0o400);
    expect(readFileSync(join(dir, 'DB_PASSWORD'), 'utf8')).toBe('pw');
    m.remove();
    m.remove();
    expect(existsSync(dir)).toBe(false);
  });

  it('leaves an existing directory and its other files alone, and never overwrites a file', () => {
    const dir = join(base, 'existing');
    mountSecretFiles(dir, new Map()).remove();
    rmSync(dir, { recursive: true, force: true });
    const keep = mkdtempSync(join(base, 'keep-'));
    writeFileSync(join(keep, 'other'), 'x');
    const m = mountSecretFiles(keep, new Map([['A', 'secret-a']]));
    m.remove();
    expect(existsSync(join(keep, 'other'))).toBe(true);
    expect(existsSync(join(keep, 'A'))).toBe(false);
    writeFileSync(join(keep, 'A'), 'mine');
    expect(() => mountSecretFiles(keep, new Map([['A', 'secret-a']]))).toThrow(/EEXIST/);
    expect(readFileSync(join(keep, 'A'), 'utf8')).toBe('mine');
  });

  it('uses a fresh private directory when none is given', () => {
    const m = mountSecretFiles(undefined, new Map([['X', 'y']]));
    expect(statSync(m.dir).mode & 0o777).toBe(0o700);
    m.remove();
    expect(existsSync(m.dir)).toBe(false);
  });

  it('refuses names that are not plain file names', () => {
    expect(() => mountSecretFiles(join(base, 'bad'), new Map([['../x', 'y']]))).toThrow(/cannot be a file name/);
  });
});
