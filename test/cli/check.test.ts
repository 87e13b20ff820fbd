/**
 * End to end: `hush check` and `hush run --check` as separate processes (the built CLI) against
 * a real server, with secrets in a Hush path and an env file. Every secret here is distinctive,
 * and no output may contain any of them.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import { hushBin } from '../helpers/spawn-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { runProcess } from '../helpers/run-process.js';
import type { ProcessResult } from '../helpers/run-process.js';

// the password has an unencoded "/": dj-database-url would read the wrong host
const BAD_DB_PASSWORD = 'Qx7/broken-Pw-3141';
const BAD_DATABASE_URL = `postgres://app:${BAD_DB_PASSWORD}@db.internal:5432/app`;
const GOOD_DATABASE_URL = 'postgres://app:Zk9-fine-Pw-2718@db.internal:5432/app';
const SHORT_SECRET_KEY = 'tiny-Secret-Key-77';
const LONG_SECRET_KEY = 'django-insecure-Long-Secret-Key-0123456789-abcdefghijklmnop';
const STRIPE_KEY = 'sk_live_Distinctive-Stripe-9876';
const BAD_PORT = '70000';
const BAD_DEBUG = 'Ture-ish-Debug';
const ALL_SECRETS = [BAD_DB_PASSWORD, BAD_DATABASE_URL, GOOD_DATABASE_URL, SHORT_SECRET_KEY, LONG_SECRET_KEY, STRIPE_KEY, BAD_DEBUG];

const CONTRACT = `
[env.DATABASE_URL]
type = "database-url"

[env.SECRET_KEY]
type = "str"
min_length = 50

[env.STRIPE_SECRET_KEY]
type = "str"
pattern = "sk_(test|live)_.+"

[env.DEBUG]
type = "bool"
default = false

[env.PORT]
type = "int"
min = 1
max = 65535
default = 8000

[env.ALLOWED_HOSTS]
type = "list"

[env.SENTRY_DSN]
type = "url"
optional = true

[env.REDIS_URL]
type = "url"
`;

let server: TestServer;
let dir: string;

type Result = ProcessResult;

function hush(args: string[], env: Record<string, string | undefined> = {}, cwd = dir): Promise<Result> {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HUSH_ADDR: server.address,
    HUSH_TOKEN: server.rootToken,
    HUSH_TOKEN_FILE: join(dir, 'no-token-file'),
  };
  return runProcess(process.execPath, [hushBin, ...args], { cwd, env: { ...base, ...env } as NodeJS.ProcessEnv });
}

function expectNoSecret(r: Result): void {
  for (const s of ALL_SECRETS) {
    expect(r.stdout).not.toContain(s);
    expect(r.stderr).not.toContain(s);
  }
}

beforeAll(async () => {
  server = await startTestServer({ storage: 'memory' });
  dir = mkdtempSync(join(tmpdir(), 'hush-check-test-'));
  const put = async (path: string, data: Record<string, unknown>) => {
    const res = await api(server, 'PUT', `secret/data/${path}`, { token: server.rootToken, body: { data } });
    expect(res.status).toBe(200);
  };
  await put('myapp/broken', { DATABASE_URL: BAD_DATABASE_URL, SECRET_KEY: SHORT_SECRET_KEY, PORT: BAD_PORT });
  await put('myapp/production', { DATABASE_URL: GOOD_DATABASE_URL, SECRET_KEY: LONG_SECRET_KEY, STRIPE_SECRET_KEY: STRIPE_KEY });
  writeFileSync(join(dir, 'hush.toml'), CONTRACT);
  // an env file with a plain value, a bad plain value and a reference
  writeFileSync(join(dir, 'broken.env'), `DEBUG=${BAD_DEBUG}\nSTRIPE_SECRET_KEY=hush://secret/myapp/production#STRIPE_SECRET_KEY\nALLOWED_HOSTS=a.example,,b.example\n`);
  writeFileSync(join(dir, 'good.env'), 'ALLOWED_HOSTS=a.example, b.example\nREDIS_URL=redis://cache:6379/0\n');
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hush check', () => {
  it('lists every problem by name, from a Hush path and an env file, without any value, and exits 1', async () => {
    const r = await hush(['check', '--path', 'secret/myapp/broken', '--env-file', 'broken.env']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'DATABASE_URL: not a valid database URL (percent-encode / # ? @ : [ ] in the user name and password)',
      'SECRET_KEY: shorter than 50 characters',
      'DEBUG: not a bool (use true/false, yes/no, on/off or 1/0)',
      'PORT: above max 65535',
      'ALLOWED_HOSTS: item 2 of the list is empty',
      'REDIS_URL: missing',
      'hush check: 6 problems in 8 variables (hush.toml)',
    ]);
    expect(r.stdout).not.toContain(BAD_PORT);
    expectNoSecret(r);
  });

  it('exits 0 with a one-line summary when everything is there, defaults noted', async () => {
    const r = await hush(['check', '--path', 'secret/myapp/production', '--env-file', 'good.env']);
    expect(r).toEqual({ code: 0, stdout: 'hush check: 8 variables ok (hush.toml); unset, so taking their default: DEBUG, PORT\n', stderr: '' });
  });

  it('applies the precedence of hush run: a later path wins, the environment wins unless --override', async () => {
    const both = ['check', '--path', 'secret/myapp/broken', '--path', 'secret/myapp/production', '--env-file', 'good.env'];
    const problems = async (args: string[], env: Record<string, string> = {}) => {
      const r = await hush(args, env);
      expectNoSecret(r);
      return r.stdout.trimEnd().split('\n').slice(0, -1);
    };
    // production's keys beat broken's; PORT is only in broken
    expect(await problems(both)).toEqual(['PORT: above max 65535']);
    expect(await problems(both, { PORT: '8080' })).toEqual([]);
    expect(await problems(both, { PORT: '8080', SECRET_KEY: SHORT_SECRET_KEY })).toEqual(['SECRET_KEY: shorter than 50 characters']);
    expect(await problems([...both, '--override'], { PORT: '8080', SECRET_KEY: SHORT_SECRET_KEY })).toEqual(['PORT: above max 65535']);
    expect(await problems([...both, '--no-environment'], { SECRET_KEY: SHORT_SECRET_KEY })).toEqual(['PORT: above max 65535']);
  });

  it('checks the current environment by default', async () => {
    const r = await hush(['check'], {
      DATABASE_URL: 'sqlite:///db.sqlite3',
      SECRET_KEY: LONG_SECRET_KEY,
      STRIPE_SECRET_KEY: 'not-a-stripe-key',
      ALLOWED_HOSTS: 'localhost',
      REDIS_URL: 'redis.internal:6379',
      DEBUG: 'on',
    });
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'STRIPE_SECRET_KEY: does not match the pattern sk_(test|live)_.+',
      'REDIS_URL: not a URL with a host',
      'hush check: 2 problems in 8 variables (hush.toml)',
    ]);
  });

  it('prints JSON with --format json', async () => {
    const r = await hush(['check', '--format', 'json', '--path', 'secret/myapp/broken']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ contract: 'hush.toml', ok: false, checked: 8, defaults: ['DEBUG'] });
    expect(out.problems.map((p: { name: string }) => p.name)).toEqual(['DATABASE_URL', 'SECRET_KEY', 'STRIPE_SECRET_KEY', 'PORT', 'ALLOWED_HOSTS', 'REDIS_URL']);
    expectNoSecret(r);
  });

  it('reads a .env.example contract', async () => {
    const sub = mkdtempSync(join(dir, 'example-'));
    writeFileSync(join(sub, '.env.example'), 'DATABASE_URL=postgres://user:password@localhost/db  # database-url\nSECRET_KEY=change-me\nDEBUG=false  # bool, optional\nWORKERS=4  # int, min=1\n');
    const r = await hush(['check', '--path', 'secret/myapp/broken'], { WORKERS: '0' }, sub);
    expect(r.code).toBe(1);
    expect(r.stdout.trimEnd().split('\n')).toEqual([
      'DATABASE_URL: not a valid database URL (percent-encode / # ? @ : [ ] in the user name and password)',
      'WORKERS: below min 1',
      'hush check: 2 problems in 4 variables (.env.example)',
    ]);
    expectNoSecret(r);
  });

  it('fails with one line and exit 2 when it cannot check', async () => {
    const empty = mkdtempSync(join(dir, 'empty-'));
    const none = await hush(['check'], {}, empty);
    expect(none).toEqual({
      code: 2,
      stdout: '',
      stderr: 'Error: no contract here: create hush.toml or .env.example, or pass --contract FILE (see docs/check.md)\n',
    });
    writeFileSync(join(empty, 'bad.toml'), '[env.PORT]\ntype = "integer"\n');
    const bad = await hush(['check', '--contract', 'bad.toml'], {}, empty);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('Error: bad.toml: env.PORT.type: unknown type "integer" (use str, int, bool, url, list, json, database-url)\n');
    const offline = await hush(['check', '--path', 'secret/myapp/production'], { HUSH_ADDR: 'http://127.0.0.1:1' });
    expect(offline.code).toBe(2);
    expect(offline.stderr.trimEnd().split('\n')).toHaveLength(1);
    const nothing = await hush(['check', '--path', 'secret/myapp/nowhere']);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain('no secret at secret/myapp/nowhere');
  });
});

describe('hush run --check', () => {
  const touch = (file: string) => ['--', 'sh', '-c', `echo ran > ${file}`];

  it('does not start the command when the environment it would get has problems', async () => {
    const marker = join(dir, 'ran-broken');
    const r = await hush(['run', '--check', '--path', 'secret/myapp/broken', '--env-file', 'broken.env', ...touch(marker)]);
    expect(r.code).toBe(1);
    expect(existsSync(marker)).toBe(false);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines.slice(0, -1).map((l) => l.split(':')[0])).toEqual(['DATABASE_URL', 'SECRET_KEY', 'DEBUG', 'PORT', 'ALLOWED_HOSTS', 'REDIS_URL']);
    expect(lines.at(-1)).toBe('Error: hush run --check: 6 problems against hush.toml; the command was not started');
    expect(r.stdout).toBe('');
    expectNoSecret(r);
  });

  it('starts the command when all is well, with the contract defaults for unset variables', async () => {
    const out = join(dir, 'ran-good');
    const r = await hush([
      'run',
      '--check',
      '--path',
      'secret/myapp/production',
      '--env-file',
      'good.env',
      '--',
      'sh',
      '-c',
      `echo "$DEBUG $PORT $ALLOWED_HOSTS" > ${out}`,
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('hush run --check: 8 variables ok (hush.toml); unset, so taking their default: DEBUG, PORT\n');
    expect(readFileSync(out, 'utf8')).toBe('false 8000 a.example, b.example\n');
  });

  it('--contract implies --check; without either, nothing is checked', async () => {
    const sub = mkdtempSync(join(dir, 'contract-'));
    writeFileSync(join(sub, 'deploy.env.example'), 'MUST_BE_SET=  # int\n');
    const checked = join(sub, 'ran-checked');
    const r = await hush(['run', '--contract', 'deploy.env.example', ...touch(checked)], {}, sub);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('MUST_BE_SET: missing\n');
    expect(existsSync(checked)).toBe(false);
    const unchecked = join(sub, 'ran-unchecked');
    const plain = await hush(['run', ...touch(unchecked)], {}, sub);
    expect(plain.code).toBe(0);
    expect(existsSync(unchecked)).toBe(true);
  });

  it('refuses to start without a contract, before contacting the server', async () => {
    const empty = mkdtempSync(join(dir, 'nocontract-'));
    const marker = join(empty, 'ran');
    const r = await hush(['run', '--check', '--path', 'secret/myapp/production', ...touch(marker)], { HUSH_ADDR: 'http://127.0.0.1:1' }, empty);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('Error: no contract here: create hush.toml or .env.example, or pass --contract FILE (see docs/check.md)\n');
    expect(existsSync(marker)).toBe(false);
  });
});
