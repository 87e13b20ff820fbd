import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPORT_FORMATS, exportSecrets, isExportFormat } from './export-secrets.js';
import type { ExportFormat } from './export-secrets.js';

const dir = mkdtempSync(join(tmpdir(), 'hush-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const secrets = new Map([['DB_PASSWORD', 'pw value'], ['TOKEN', "it's"]]);

function run(format: ExportFormat, output?: string, githubEnv?: string) {
  let stdout = '';
  const summary = exportSecrets(secrets, { format, output, name: 'app' }, { stdout: (t) => (stdout += t), githubEnv });
  return { stdout, summary };
}

describe('exportSecrets', () => {
  it('knows its formats', () => {
    expect(EXPORT_FORMATS.every(isExportFormat)).toBe(true);
    expect(isExportFormat('toml')).toBe(false);
  });

  it('prints text formats to stdout, or writes them to a 0600 file with a summary', () => {
    const printed = run('dotenv');
    expect(printed).toEqual({ stdout: 'DB_PASSWORD=\'pw value\'\nTOKEN="it\'s"\n', summary: undefined });
    const file = join(dir, 'out.json');
    const written = run('json', file);
    expect(written).toEqual({ stdout: '', summary: `Wrote 2 secrets to ${file}` });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(Object.fromEntries(secrets));
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('github-env prints masks and appends to $GITHUB_ENV, or to --output', () => {
    const githubEnv = join(dir, 'github_env');
    const r = run('github-env', undefined, githubEnv);
    expect(r.stdout).toBe("::add-mask::pw value\n::add-mask::it's\n");
    expect(readFileSync(githubEnv, 'utf8')).toMatch(/^DB_PASSWORD<<(ghadelimiter_\w+)\npw value\n\1\nTOKEN<<(ghadelimiter_\w+)\nit's\n\2\n$/);
    expect(() => run('github-env')).toThrow(/needs \$GITHUB_ENV .* or --output FILE/);
  });

  it('docker-secrets needs a directory', () => {
    expect(() => run('docker-secrets')).toThrow(/needs --output DIR/);
    expect(run('docker-secrets', join(dir, 'docker')).summary).toBe(`Wrote 2 secrets to ${join(dir, 'docker')}/`);
  });
});
