import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeDockerSecrets } from './docker-secrets.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hush-docker-secrets-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const mode = (p: string) => statSync(p).mode & 0o777;

describe('writeDockerSecrets', () => {
  it('writes one 0600 file per key with exactly the value into a 0700 directory', () => {
    const out = join(dir, 'nested', 'secrets');
    writeDockerSecrets(out, new Map([['db_password', 'p\nw\n'], ['EMPTY', ''], ['tls.crt', 'c']]));
    expect(mode(out)).toBe(0o700);
    expect(readdirSync(out).sort()).toEqual(['EMPTY', 'db_password', 'tls.crt']);
    expect(readFileSync(join(out, 'db_password'), 'utf8')).toBe('p\nw\n');
    expect(readFileSync(join(out, 'EMPTY'), 'utf8')).toBe('');
    for (const f of readdirSync(out)) expect(mode(join(out, f))).toBe(0o600);
  });

  it('refuses keys that are not plain file names before writing anything', () => {
    const out = join(dir, 'secrets');
    for (const key of ['../escape', 'a/b', '..', '.']) {
      expect(() => writeDockerSecrets(out, new Map([['OK', 'x'], [key, 'v']]))).toThrow(/^cannot export ".*" as a Docker secret file/);
    }
    expect(() => statSync(out)).toThrow();
  });
});
