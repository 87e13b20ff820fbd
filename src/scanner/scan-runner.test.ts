import { readFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScan } from './scan-runner.js';
import { TEST_TOKEN, TEST_TOKEN_2, makeRepo, testEngine } from './test-rules.case.js';

const engine = testEngine();

describe('runScan: working tree', () => {
  it('respects .gitignore, and --no-ignore / --no-git walk everything but .git', async () => {
    const r = makeRepo();
    r.write('src/app.py', `token = "${TEST_TOKEN}"\n`);
    r.write('.gitignore', 'secret.env\n');
    r.write('secret.env', `T=${TEST_TOKEN_2}\n`);
    r.write('untracked.txt', `x ${TEST_TOKEN_2}\n`);
    r.commit('init');
    const tree = await runScan({ cwd: r.dir, engine });
    expect(tree.findings.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['src/app.py:1:10', 'untracked.txt:1:3']);
    const all = await runScan({ cwd: r.dir, engine, noIgnore: true });
    expect(all.findings.map((f) => f.file)).toEqual(['secret.env', 'src/app.py', 'untracked.txt']);
    const plain = await runScan({ cwd: r.dir, engine, noGit: true });
    expect(plain.findings).toHaveLength(3);
    const sub = await runScan({ cwd: r.dir, engine, paths: ['src'] });
    expect(sub.findings.map((f) => f.file)).toEqual(['src/app.py']);
  });

  it('scans explicit files and stdin', async () => {
    const r = makeRepo();
    r.write('a.txt', `${TEST_TOKEN}\n`);
    const out = await runScan({ cwd: r.dir, engine, paths: ['a.txt', '-'], readStdin: () => Promise.resolve(Buffer.from(`\n x ${TEST_TOKEN_2}`)) });
    expect(out.findings.map((f) => `${f.file}:${f.line}`)).toEqual(['-:2', 'a.txt:1']);
  });

  it('applies .hushignore paths and fingerprints, and baselines by fingerprint', async () => {
    const r = makeRepo();
    r.write('a.txt', `${TEST_TOKEN}\n`);
    r.write('docs/b.md', `${TEST_TOKEN_2}\n`);
    r.write('c.txt', `${TEST_TOKEN_2}\n`);
    const first = await runScan({ cwd: r.dir, engine, noGit: true });
    expect(first.findings).toHaveLength(3);
    const fpA = first.findings.find((f) => f.file === 'a.txt')!.fingerprint;
    r.write('.hushignore', `# comments\ndocs/\n${fpA}\n`);
    const second = await runScan({ cwd: r.dir, engine, noGit: true });
    expect(second.findings.map((f) => f.file)).toEqual(['c.txt']);
    expect(second.ignored).toBe(1); // docs/ is skipped before reading, only the fingerprint counts

    r.write('.hushignore', '');
    const written = await runScan({ cwd: r.dir, engine, noGit: true, baselineWrite: 'baseline.json' });
    expect(written.findings).toHaveLength(0);
    const base = JSON.parse(readFileSync(join(r.dir, 'baseline.json'), 'utf8')) as { fingerprints: string[] };
    expect(base.fingerprints).toEqual([...base.fingerprints].sort());
    expect(base.fingerprints).toHaveLength(2); // two distinct secrets
    r.write('moved.txt', `\n\n\n   ${TEST_TOKEN}\n`); // same secret, another place: still baselined
    r.write('new.txt', 'password = "Xk9#mQ2$vL"\n');
    const after = await runScan({ cwd: r.dir, engine, noGit: true, baseline: 'baseline.json' });
    expect(after.findings.map((f) => f.file)).toEqual(['new.txt']);
    expect(after.baselined).toBe(4);
  });

  it('honours a .gitleaks.toml found at the repository root', async () => {
    const r = makeRepo();
    r.write('.gitleaks.toml', `
[[rules]]
id = "acme-key"
regex = '''(?i)acme_key\\s*=\\s*"(ACME[0-9A-Z]{16})"'''
keywords = ["acme_key"]
[allowlist]
paths = ['''^vendor/''']
`);
    r.write('app.cfg', 'ACME_KEY = "ACMEQ7X2K9M4T8W3R6Z1"\n');
    r.write('vendor/x.cfg', 'acme_key = "ACMEQ7X2K9M4T8W3R6Z1"\n');
    const out = await runScan({ cwd: r.dir, threads: 0, noGit: true });
    expect(out.findings.map((f) => [f.ruleId, f.file, f.secret])).toEqual([['acme-key', 'app.cfg', 'ACMEQ7X2K9M4T8W3R6Z1']]);
  });
});

describe('runScan: git sources', () => {
  it('--staged reports only added lines with new-file line numbers', async () => {
    const r = makeRepo();
    r.write('app.py', `a = 1\nold = "${TEST_TOKEN}"\nb = 2\n`);
    r.commit('init');
    r.write('app.py', `a = 1\nold = "${TEST_TOKEN}"\nb = 2\nc = 3\nnew = "${TEST_TOKEN_2}"\n`);
    r.write('fresh.txt', `+++ ${TEST_TOKEN}\n`);
    r.git('add', '-A');
    const out = await runScan({ cwd: r.dir, engine, staged: true });
    expect(out.findings.map((f) => `${f.file}:${f.line}:${f.column}`)).toEqual(['app.py:5:8', 'fresh.txt:1:5']);
  });

  it('--since scans added lines of the range with commit metadata', async () => {
    const r = makeRepo();
    r.write('a.txt', `${TEST_TOKEN}\n`);
    r.commit('base');
    r.write('b.txt', `x\n${TEST_TOKEN_2}\n`);
    r.commit('add b');
    const out = await runScan({ cwd: r.dir, engine, since: 'HEAD~1' });
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0]).toMatchObject({ file: 'b.txt', line: 2, author: 'Dev One', email: 'dev@example.test', message: 'add b' });
  });

  it('--history scans each blob once, attributes it to the first commit, and caches clean blobs', async () => {
    const r = makeRepo();
    r.write('a.txt', `${TEST_TOKEN}\n`);
    r.write('clean.txt', 'nothing here\n');
    r.commit('first');
    r.write('copy.txt', `${TEST_TOKEN}\n`); // same blob as a.txt: not scanned again
    r.write('clean.txt', 'still nothing\n');
    r.commit('second');
    r.git('checkout', '-q', '-b', 'side');
    r.write('side.txt', `x = "${TEST_TOKEN_2}"\n`);
    r.commit('on a branch');
    r.git('checkout', '-q', 'main');
    r.git('rm', '-q', 'a.txt');
    r.commit('remove');
    const first = await runScan({ cwd: r.dir, engine, history: true });
    expect(first.findings.map((f) => [f.file, f.message])).toEqual([
      ['a.txt', 'first'],
      ['side.txt', 'on a branch'],
    ]);
    expect(first.files).toBe(4);
    const cacheDir = join(r.dir, '.git', 'hush-scan-cache');
    expect(existsSync(cacheDir)).toBe(true);
    const cached = readFileSync(join(cacheDir, readdirSync(cacheDir)[0]!), 'utf8');
    expect(cached).not.toContain('ghp_');
    let progress = { cached: -1, scanned: -1 };
    const second = await runScan({ cwd: r.dir, engine, history: true, onProgress: (p) => (progress = p) });
    expect(second.findings).toEqual(first.findings);
    expect(progress).toMatchObject({ cached: 2, scanned: 2 });
  });

  it('errors clearly outside a repository', async () => {
    const r = makeRepo();
    await expect(runScan({ cwd: join(r.dir, '.git'), engine, staged: true })).rejects.toThrow(/git/);
    await expect(runScan({ cwd: r.dir, engine, paths: ['missing'] })).rejects.toThrow('no such file or directory: missing');
  });
});
