/**
 * The committed action bundle is what GitHub runs, so it must be what the sources build: the build
 * script is run into a temporary directory and its output compared byte for byte with
 * action/dist/. A failure here means `npm run build:action` was not run after a change in
 * src/action/ (or in code it imports); run it and commit action/dist/.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'action', 'dist');
const temps: string[] = [];

afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function build(outdir: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'build-action.mjs'), '--outdir', outdir], {
    cwd: tmpdir(), // the output must not depend on where the build is started
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}

describe('the committed GitHub Action bundle', () => {
  it('is identical to a fresh build (run `npm run build:action` and commit action/dist/ if not)', async () => {
    const outdir = mkdtempSync(join(tmpdir(), 'hush-action-build-'));
    temps.push(outdir);
    const res = await build(outdir);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    const built = readdirSync(outdir).sort();
    expect(built).toEqual(['main.js', 'package.json', 'post.js']);
    expect(readdirSync(DIST).sort()).toEqual(built);
    for (const file of built) {
      expect(readFileSync(join(DIST, file), 'utf8'), `action/dist/${file} is stale`).toBe(readFileSync(join(outdir, file), 'utf8'));
    }
  });

  it('needs nothing but Node: every import is a node: built-in (GitHub does not npm install for actions)', () => {
    for (const file of ['main.js', 'post.js']) {
      const text = readFileSync(join(DIST, file), 'utf8');
      const specifiers = [...text.matchAll(/^import\s[^'"]*?["']([^"']+)["'];?$/gm)].map((m) => m[1]!);
      expect(specifiers.length).toBeGreaterThan(0);
      for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(/^node:/);
      expect(text).not.toMatch(/\brequire\(\s*["'](?!node:)/);
    }
  });

  it('is what action.yml runs, with node20, a post step and the documented inputs', () => {
    const action = parse(readFileSync(join(ROOT, 'action.yml'), 'utf8'));
    expect(action.runs).toEqual({ using: 'node20', main: 'action/dist/main.js', post: 'action/dist/post.js', 'post-if': 'always()' });
    expect(Object.keys(action.inputs).sort()).toEqual(
      ['ca-certificate', 'export-env', 'export-token', 'jwt-audience', 'method', 'path', 'role', 'role-id', 'secret-id', 'secrets', 'tls-skip-verify', 'token', 'url'].sort(),
    );
    expect(action.inputs.url.required).toBe(true);
    expect(action.inputs.method.default).toBe('jwt');
  });
});
