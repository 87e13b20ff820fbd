import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_TOKEN, makeRepo } from '../scanner/test-rules.case.js';

const MAIN = resolve(import.meta.dirname, '../scanner/scan-main.ts');
const TSX = import.meta.resolve('tsx');
// Real built-in rules: a fresh random-looking GitHub classic token.
const SECRET = TEST_TOKEN;

function hush(cwd: string, args: string[], input?: string) {
  const r = spawnSync(process.execPath, ['--import', TSX, MAIN, 'scan', ...args], { cwd, encoding: 'utf8', input: input ?? '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('hush scan (CLI)', () => {
  it('exit codes: 1 with findings, 0 without, 2 on errors with one line', () => {
    const r = makeRepo();
    r.write('clean.py', 'print("hello")\n');
    r.commit('init');
    expect(hush(r.dir, []).code).toBe(0);
    r.write('app.py', `GITHUB_TOKEN = "${SECRET}"\n`);
    const found = hush(r.dir, []);
    expect(found.code).toBe(1);
    expect(found.stdout).toContain('app.py:1:17');
    expect(found.stdout).not.toContain(SECRET);
    expect(hush(r.dir, ['--show-secrets']).stdout).toContain(SECRET);
    const bad = hush(r.dir, ['--baseline', 'missing.json']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(hush(r.dir, ['--format', 'xml']).code).toBe(2);
  });

  it('writes reports to --output and honours a baseline written before', () => {
    const r = makeRepo();
    r.write('app.py', `GITHUB_TOKEN = "${SECRET}"\n`);
    const w = hush(r.dir, ['--baseline-write', 'hush-baseline.json']);
    expect(w.code).toBe(0);
    expect(hush(r.dir, ['--baseline', 'hush-baseline.json']).code).toBe(0);
    const out = hush(r.dir, ['--format', 'sarif', '--output', 'report.sarif']);
    expect(out.code).toBe(1);
    expect(out.stdout).toBe('');
    expect(JSON.parse(readFileSync(join(r.dir, 'report.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('reads stdin and scans the staged change', () => {
    const r = makeRepo();
    expect(hush(r.dir, ['-', '--format', 'json'], `x = "${SECRET}"\n`).code).toBe(1);
    r.write('a.py', `t = "${SECRET}"\n`);
    r.git('add', 'a.py');
    const staged = hush(r.dir, ['--staged', '--format', 'json']);
    expect(staged.code).toBe(1);
    expect(JSON.parse(staged.stdout)[0]).toMatchObject({ file: 'a.py', line: 1 });
  });

  it('scans history with worker threads and a cache', () => {
    const r = makeRepo();
    for (let i = 0; i < 5; i++) {
      r.write(`f${i}.py`, `v = ${i}\n`);
      r.commit(`c${i}`);
    }
    r.write('leak.py', `t = "${SECRET}"\n`);
    r.commit('leak');
    r.git('rm', '-q', 'leak.py');
    r.commit('remove leak');
    const first = hush(r.dir, ['--history', '--threads', '2', '--format', 'json']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)).toMatchObject([{ file: 'leak.py', message: 'leak', author: 'Dev One' }]);
    const second = hush(r.dir, ['--history', '--threads', '2', '--format', 'json']);
    expect(JSON.parse(second.stdout)).toEqual(JSON.parse(first.stdout));
  });

  it('installs a pre-commit hook, refusing to overwrite a foreign one without --force', () => {
    const r = makeRepo();
    const hookPath = join(r.dir, '.git', 'hooks', 'pre-commit');
    const hook = (args: string[]) => spawnSync(process.execPath, ['--import', TSX, MAIN, 'scan', 'hook', 'install', ...args], { cwd: r.dir, encoding: 'utf8' });
    writeFileSync(hookPath, '#!/bin/sh\necho mine\n');
    chmodSync(hookPath, 0o755);
    const refused = hook([]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(hookPath, 'utf8')).toContain('echo mine');
    expect(hook(['--force']).status).toBe(0);
    expect(readFileSync(hookPath, 'utf8')).toContain('hush scan --staged');
    expect(hook([]).status).toBe(0); // our own hook may be rewritten
    expect(existsSync(hookPath)).toBe(true);
  });
});
