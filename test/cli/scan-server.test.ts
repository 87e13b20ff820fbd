/**
 * `hush scan --server` and `--rotate` against a real in-process server: managed values found
 * plain, base64, URL-encoded, in a `.env` line, in JSON, on stdin and in git history (worker
 * threads), named by path, key and version and never printed; unmanaged values and values the
 * token may not read are not reported; `--rotate` writes a new version and reports each failure.
 *
 * The CLI runs as a child process (async spawn: the server lives in this process).
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { makeRepo } from '../../src/scanner/test-rules.case.js';
import { runProcess } from '../helpers/run-process.js';
import type { ProcessResult } from '../helpers/run-process.js';

const MAIN = resolve(import.meta.dirname, '../../src/scanner/scan-main.ts');
const TSX = import.meta.resolve('tsx');

const DB_PASSWORD = 'Xk9-mPq2/vL8+zR4w';
const PHRASE = 'correct horse battery staple';
const JSON_TOKEN = 'quote"and\\slash-9Zq';
const URL_PASSWORD = 'p@ss:word/with?odd&chars';
const V1_KEY = 'v1-deploy-key-Qm7Zt';

let s: TestServer;
let root: string;
beforeAll(async () => {
  s = await startTestServer({ storage: 'memory' });
  root = s.rootToken;
  await put('secret/data/app/db', { password: DB_PASSWORD, user: 'svc' });
  await put('secret/data/app/phrase', { passphrase: PHRASE });
  await put('secret/data/app/json', { token: JSON_TOKEN });
  await put('secret/data/app/url', { password: URL_PASSWORD });
  await api(s, 'POST', 'sys/mounts/legacy', { token: root, body: { type: 'kv', options: { version: '1' } } });
  expect((await api(s, 'PUT', 'legacy/ci', { token: root, body: { deploy_key: V1_KEY } })).status).toBe(204);
});
afterAll(async () => s?.close());

async function put(path: string, data: Record<string, unknown>): Promise<void> {
  expect((await api(s, 'PUT', path, { token: root, body: { data } })).status).toBe(200);
}

function hush(cwd: string, args: string[], opts: { token?: string; input?: string } = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, ['--import', TSX, MAIN, 'scan', ...args], {
    cwd,
    env: { ...process.env, HUSH_ADDR: s.address, HUSH_TOKEN: opts.token ?? root, HUSH_TOKEN_FILE: join(cwd, 'no-token-file'), NO_COLOR: '1' },
    input: opts.input ?? '',
  });
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hush-scan-server-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const managedOf = (findings: any[], file: string) =>
  findings.filter((f) => f.file === file && f.ruleId === 'hush-managed-secret').map((f) => ({ ...f.managed[0], encoding: f.encoding }));

describe('hush scan --server', () => {
  it('reports managed values in their plain and encoded forms, by path and version, redacted', async () => {
    const dir = tree({
      'settings.py': `DATABASES = {"default": {"PASSWORD": "${DB_PASSWORD}"}}\n`,
      'k8s/secret.yaml': `data:\n  password: ${Buffer.from(DB_PASSWORD).toString('base64')}\n`,
      'docker-compose.yml': `DATABASE_URL: postgres://svc:${encodeURIComponent(URL_PASSWORD)}@db:5432/app\n`,
      '.env': `PASSPHRASE=${PHRASE}\nUSER=svc\n`,
      'fixtures/tokens.json': JSON.stringify({ token: JSON_TOKEN }) + '\n',
      'notes.txt': 'an unmanaged value: Zz9-notManaged-1234 and the user svc\n',
    });
    const r = await hush(dir, ['--no-git', '--server', '--format', 'json', '.']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/comparing with \d+ managed value\(s\) of 5 secret\(s\)/);
    const findings = JSON.parse(r.stdout);
    expect(managedOf(findings, 'settings.py')).toEqual([{ mount: 'secret/', path: 'app/db', key: 'password', version: 1, currentVersion: 1, encoding: undefined }]);
    expect(managedOf(findings, 'k8s/secret.yaml')).toEqual([{ mount: 'secret/', path: 'app/db', key: 'password', version: 1, currentVersion: 1, encoding: 'base64' }]);
    expect(managedOf(findings, 'docker-compose.yml')).toEqual([{ mount: 'secret/', path: 'app/url', key: 'password', version: 1, currentVersion: 1, encoding: 'url' }]);
    expect(managedOf(findings, '.env')).toEqual([{ mount: 'secret/', path: 'app/phrase', key: 'passphrase', version: 1, currentVersion: 1, encoding: undefined }]);
    expect(managedOf(findings, 'fixtures/tokens.json')).toEqual([{ mount: 'secret/', path: 'app/json', key: 'token', version: 1, currentVersion: 1, encoding: 'json' }]);
    expect(managedOf(findings, 'notes.txt')).toEqual([]);
    const env = findings.find((f: any) => f.file === '.env');
    expect(env).toMatchObject({ line: 1, column: 12, severity: 'critical', redacted: 'corr…', description: 'Value of managed secret secret/app/phrase "passphrase" (version 1, current)' });
    expect(env.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    for (const v of [DB_PASSWORD, PHRASE, URL_PASSWORD, encodeURIComponent(URL_PASSWORD), 'quote\\"and']) expect(r.stdout).not.toContain(v);

    // The same scan twice gives the same fingerprints (the server's HMAC key changes each time).
    const again = JSON.parse((await hush(dir, ['--no-git', '--server', '--format', 'json', '.'])).stdout);
    expect(again.map((f: any) => f.fingerprint).sort()).toEqual(findings.map((f: any) => f.fingerprint).sort());

    const text = await hush(dir, ['--no-git', '--server', 'settings.py']);
    expect(text.stdout).toContain('managed: secret/app/db "password" (version 1, current)');
    expect(text.stdout).not.toContain(DB_PASSWORD);
  });

  it('sees only what the token may read, and reads stdin and git history', async () => {
    const policy = 'path "secret/data/app/phrase" { capabilities = ["read"] }';
    await api(s, 'PUT', 'sys/policies/acl/phrase-only', { token: root, body: { policy } });
    const token = (await api(s, 'POST', 'auth/token/create', { token: root, body: { policies: ['phrase-only'] } })).body.auth.client_token;
    const input = `pw=${DB_PASSWORD}\nphrase="${PHRASE}"\n`;
    const limited = await hush(tmpdir(), ['--server-path', 'secret/app/phrase', '--format', 'json', '-'], { token, input });
    expect(limited.code).toBe(1);
    const managed = JSON.parse(limited.stdout).filter((f: any) => f.ruleId === 'hush-managed-secret');
    expect(managed.map((f: any) => `${f.line} ${f.managed[0].path}`)).toEqual(['2 app/phrase']);

    const repo = makeRepo();
    repo.write('README.md', 'hello\n');
    repo.commit('init');
    repo.write('deploy.sh', `export DB_PASSWORD='${DB_PASSWORD}'\n`);
    repo.commit('add deploy script');
    repo.git('rm', '-q', 'deploy.sh');
    repo.commit('remove it');
    const history = await hush(repo.dir, ['--history', '--threads', '2', '--server', '--format', 'json']);
    expect(history.code).toBe(1);
    expect(JSON.parse(history.stdout).filter((f: any) => f.ruleId === 'hush-managed-secret')).toMatchObject([
      { file: 'deploy.sh', ruleId: 'hush-managed-secret', message: 'add deploy script', managed: [{ path: 'app/db', key: 'password' }] },
    ]);
  });

  it('fails with one line when the server cannot be used', async () => {
    const dir = tree({ 'a.txt': 'nothing\n' });
    const bad = await hush(dir, ['--no-git', '--server'], { token: 'hvs.not-a-token' });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/permission denied/);
    const versions = await hush(dir, ['--no-git', '--server', '--server-versions', '0']);
    expect(versions.code).toBe(2);
    // `--server-versions` alone means `--server` too, so it is not silently ignored
    const alone = await hush(dir, ['--no-git', '--server-versions', '0']);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--server-versions/);
  });
});

describe('hush scan --server --rotate', () => {
  it('writes a new version for each current leaked value and reports what it could not rotate', async () => {
    await put('secret/data/rotate/app', { api_key: 'rk_Live-8fZq2Lw9Xp3', region: 'eu-west-1-rotation' });
    const dir = tree({
      'app.cfg': 'api_key = rk_Live-8fZq2Lw9Xp3\n',
      'ci.env': `DEPLOY_KEY=${V1_KEY}\n`,
    });
    const r = await hush(dir, ['--no-git', '--server-mount', 'secret', '--server-mount', 'legacy', '--rotate', '--format', 'json', '.']);
    // The KV v1 value cannot be rotated: reported, the other still rotated, exit 2.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secret/rotate/app "api_key": rotated, version 1 -> 2');
    expect(r.stderr).toContain('legacy/ci "deploy_key": in a KV version 1 mount');
    expect(r.stderr).toMatch(/revoke the leaked credential there/i);
    expect(r.stderr).not.toContain('rk_Live-8fZq2Lw9Xp3');
    const read = (await api(s, 'GET', 'secret/data/rotate/app', { token: root })).body.data;
    expect(read.metadata.version).toBe(2);
    expect(read.data.api_key).toHaveLength('rk_Live-8fZq2Lw9Xp3'.length);
    expect(read.data.api_key).not.toBe('rk_Live-8fZq2Lw9Xp3');
    expect(read.data.region).toBe('eu-west-1-rotation');
    expect(r.stderr).not.toContain(read.data.api_key);

    // Scanning again: the leaked value is now an old version's, so it is reported but not rotated.
    const second = await hush(dir, ['--no-git', '--server-path', 'secret/rotate/', '--rotate', '--format', 'json', 'app.cfg']);
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout).find((f: any) => f.ruleId === 'hush-managed-secret')).toMatchObject({ severity: 'high', managed: [{ path: 'rotate/app', version: 1, currentVersion: 2 }] });
    expect(second.stderr).toContain('already replaced by a newer version; not rotated');
    expect((await api(s, 'GET', 'secret/data/rotate/app', { token: root })).body.data.metadata.version).toBe(2);
  });

  it('a token without update gets a clear error per finding', async () => {
    await put('secret/data/rotate/ro', { password: 'read-only-rotation-1' });
    await api(s, 'PUT', 'sys/policies/acl/ro-rotate', { token: root, body: { policy: 'path "secret/data/rotate/ro" { capabilities = ["read"] }' } });
    const token = (await api(s, 'POST', 'auth/token/create', { token: root, body: { policies: ['ro-rotate'] } })).body.auth.client_token;
    const dir = tree({ 'x.txt': 'read-only-rotation-1\n' });
    const r = await hush(dir, ['--no-git', '--server-path', 'secret/rotate/ro', '--rotate', 'x.txt'], { token });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('secret/rotate/ro "password": not rotated: permission denied: rotating secret/rotate/ro needs "update"');
  });
});
