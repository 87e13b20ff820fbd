/**
 * `hush server --dev` as a user runs it (the built binary in a child process): the banner, a
 * persistent SQLite data directory reused on restart with the same root token, Vault's
 * single-dash flags, `--dev-inmem` keeping nothing, and `--dev-tls` with a CA that clients trust.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../helpers/spawn-server.js';

const cwd = mkdtempSync(join(tmpdir(), 'hush-dev-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function call(address: string, method: string, path: string, token: string, body?: unknown) {
  const res = await fetch(`${address}/v1/${path}`, {
    method,
    headers: { 'x-vault-token': token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (res.status === 204 ? undefined : await res.json()) as any };
}

describe('hush server --dev', () => {
  it('prints address, root token and how to try it; a restart keeps data and token', async () => {
    const first = await spawnServer(['--dev', '--dev-listen-address', '127.0.0.1:0'], cwd);
    try {
      expect(first.address).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.rootToken).toMatch(/^hvs\./);
      expect(first.banner).toContain('kv put secret/myapp/production DB_PASSWORD=');
      expect(first.banner).toContain("read_secret_version(path='myapp/production')");
      const w = await call(first.address, 'PUT', 'secret/data/myapp/production', first.rootToken, { data: { DB_PASSWORD: 'kept' } });
      expect(w.status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    const dataDir = join(cwd, '.hush-data');
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dataDir, 'dev-unseal-share')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'hush.db')).mode & 0o777).toBe(0o600);

    const second = await spawnServer(['-dev', '-dev-listen-address=127.0.0.1:0'], cwd);
    try {
      expect(second.rootToken).toBe(first.rootToken);
      const r = await call(second.address, 'GET', 'secret/data/myapp/production', second.rootToken);
      expect(r.body.data.data).toEqual({ DB_PASSWORD: 'kept' });
    } finally {
      await second.stop();
    }
  });

  it('accepts -dev-root-token-id like vault server -dev', async () => {
    const s = await spawnServer(['-dev-inmem', '-dev-root-token-id=root', '-dev-listen-address=127.0.0.1:0'], cwd);
    try {
      expect(s.rootToken).toBe('root');
      expect(s.banner).toContain('memory (nothing is kept)');
      expect((await call(s.address, 'GET', 'auth/token/lookup-self', 'root')).body.data.policies).toEqual(['root']);
    } finally {
      await s.stop();
    }
  });

  it('--dev-tls serves HTTPS (TLS 1.2+) with a CA that a client can trust', async () => {
    const tlsDir = join(cwd, 'tls-data');
    const s = await spawnServer(['--dev-tls', '--data-dir', tlsDir, '--dev-listen-address', '127.0.0.1:0'], cwd);
    try {
      expect(s.address).toMatch(/^https:\/\//);
      expect(s.caFile).toBeDefined();
      const ca = readFileSync(s.caFile!);
      const status = await new Promise<number>((res, rej) => {
        https
          .get(`${s.address}/v1/sys/health`, { ca }, (r) => {
            r.resume();
            res(r.statusCode!);
          })
          .on('error', rej);
      });
      expect(status).toBe(200);
      const untrusted = await new Promise<string>((res) => {
        https.get(`${s.address}/v1/sys/health`, (r) => res(`status ${r.statusCode}`)).on('error', (e: NodeJS.ErrnoException) => res(e.code ?? 'error'));
      });
      expect(untrusted).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    } finally {
      await s.stop();
    }
  });
});
