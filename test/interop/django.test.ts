/**
 * A real Django project (Django installed by the test into a virtualenv) runs under `hush run`:
 * `manage.py check --deploy` passes with settings that exist only in Hush, and printing
 * `settings.DATABASES` shows the password masked.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureVenv } from './python-env.js';
import { api, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { hushBin } from '../helpers/spawn-server.js';

const project = join(import.meta.dirname, '..', 'fixtures', 'django-app');
const dbPassword = `pw-${randomBytes(12).toString('hex')}`;
const secretKey = randomBytes(40).toString('base64url');
let server: TestServer;
let python: string;

beforeAll(async () => {
  python = ensureVenv('django', ['django', 'psycopg2-binary']);
  server = await startTestServer({ storage: 'memory' });
  const w = await api(server, 'PUT', 'secret/data/myapp/production', {
    token: server.rootToken,
    body: {
      data: {
        DJANGO_SECRET_KEY: secretKey,
        DATABASE_URL: `postgres://app:${dbPassword}@db.internal:5432/shop`,
        STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString('hex')}`,
      },
    },
  });
  expect(w.status).toBe(200);
});
afterAll(async () => server?.close());

function hushRun(args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [hushBin, 'run', '--path', 'secret/myapp/production', '--', python, 'manage.py', ...args], {
      cwd: project,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, HUSH_ADDR: server.address, HUSH_TOKEN: server.rootToken },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('Django under hush run', () => {
  it('passes check --deploy with settings that exist only in Hush', async () => {
    const r = await hushRun(['check', '--deploy', '--fail-level', 'WARNING']);
    expect(r.out).toContain('System check identified no issues');
    expect(r.code).toBe(0);
  });

  it('prints settings.DATABASES with the password masked, and the settings really came from Hush', async () => {
    const code = [
      'from django.conf import settings',
      `print("password from hush:", settings.DATABASES["default"]["PASSWORD"] == "${dbPassword}")`,
      'print(settings.DATABASES)',
      'print(settings.SECRET_KEY)',
    ].join('; ');
    const r = await hushRun(['shell', '-c', code]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('password from hush: True');
    expect(r.out).toContain("'PASSWORD': '*****'");
    expect(r.out).not.toContain(dbPassword);
    expect(r.out).not.toContain(secretKey);
  });
});
