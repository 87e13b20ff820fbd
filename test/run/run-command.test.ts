/**
 * End to end: `hush run` as a separate process (the built CLI) against a real server.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer } from '../helpers/test-server.js';
import { hushBin } from '../helpers/spawn-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { collectOutput } from '../helpers/run-process.js';

const DB_PASSWORD = 'pg-Pass-w0rd!x9';
const API_KEY = 'ak_live_1234567890abcdef';

let server: TestServer;
let dir: string;

function start(args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  const base: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HUSH_ADDR: server.address,
    HUSH_TOKEN: server.rootToken,
    HUSH_TOKEN_FILE: join(dir, 'no-token-file'),
  };
  return spawn(process.execPath, [hushBin, 'run', ...args], {
    env: { ...base, ...env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const hush = (args: string[], env: Record<string, string | undefined> = {}) => collectOutput(start(args, env));

/** Resolves when `text` has appeared on the child's stdout. */
function waitFor(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve) => {
    let seen = '';
    const on = (c: Buffer) => {
      seen += c.toString();
      if (seen.includes(text)) {
        child.stdout!.off('data', on);
        resolve(seen);
      }
    };
    child.stdout!.on('data', on);
  });
}

const py = (code: string) => ['python3', '-c', code];
const rev = (s: string) => [...s].reverse().join('');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

beforeAll(async () => {
  server = await startTestServer({ storage: 'memory' });
  dir = mkdtempSync(join(tmpdir(), 'hush-run-test-'));
  const put = async (path: string, data: Record<string, unknown>) => {
    const res = await api(server, 'PUT', `secret/data/${path}`, { token: server.rootToken, body: { data } });
    expect(res.status).toBe(200);
  };
  await put('myapp/production', { DB_PASSWORD, API_KEY, SHARED: 'from-production', PORT: 5432 });
  await put('myapp/common', { SHARED: 'from-common', OTHER: 'common-other' });
  await put('myapp/rotating', { TOKEN: 'old-token-value' });
  await put('myapp/rotating', { TOKEN: 'new-token-value' });
  const policy = await api(server, 'PUT', 'sys/policies/acl/nothing', {
    token: server.rootToken,
    body: { policy: 'path "secret/data/other/*" { capabilities = ["read"] }' },
  });
  expect(policy.status).toBeLessThan(300);
});

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('hush run', () => {
  it('injects every key of --path as an environment variable', async () => {
    // --no-mask: this test looks at the environment (masking would hide PORT=5432, 4 characters)
    const r = await hush([
      '--no-mask',
      '--path',
      'secret/myapp/production',
      '--',
      ...py("import os; print(os.environ['DB_PASSWORD'][::-1], os.environ['API_KEY'][::-1], os.environ['PORT'])"),
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${rev(DB_PASSWORD)} ${rev(API_KEY)} 5432\n`);
  });

  it('applies the documented precedence: environment > env file > later path > earlier path', async () => {
    const envFile = join(dir, 'prec.env');
    writeFileSync(envFile, 'FROM_FILE=plain value # comment\nOTHER=hush://secret/myapp/production#API_KEY\n');
    const show = py("import os; print(os.environ['SHARED'], os.environ['FROM_FILE'], os.environ['OTHER'][::-1])");
    const later = await hush(['--no-mask', '--path', 'secret/myapp/common', '--path', 'secret/myapp/production', '--env-file', envFile, '--', ...show]);
    expect(later.stdout).toBe(`from-production plain value ${rev(API_KEY)}\n`);
    const earlier = await hush(['--no-mask', '--path', 'secret/myapp/production', '--path', 'secret/myapp/common', '--env-file', envFile, '--', ...show]);
    expect(earlier.stdout).toBe(`from-common plain value ${rev(API_KEY)}\n`);
    const existing = await hush(['--no-mask', '--path', 'secret/myapp/common', '--env-file', envFile, '--', ...show], { SHARED: 'mine', OTHER: 'kept' });
    expect(existing.stdout).toBe(`mine plain value ${rev('kept')}\n`);
    const override = await hush(['--no-mask', '--override', '--path', 'secret/myapp/common', '--env-file', envFile, '--', ...show], {
      SHARED: 'mine',
      OTHER: 'kept',
    });
    expect(override.stdout).toBe(`from-common plain value ${rev(API_KEY)}\n`);
  });

  it('resolves references with ?version=N', async () => {
    const envFile = join(dir, 'version.env');
    writeFileSync(envFile, 'OLD="hush://secret/myapp/rotating?version=1#TOKEN"\nNEW=hush://secret/myapp/rotating#TOKEN\n');
    const r = await hush(['--env-file', envFile, '--', ...py("import os; print(os.environ['OLD'][::-1], os.environ['NEW'][::-1])")]);
    expect(r.stdout).toBe(`${rev('old-token-value')} ${rev('new-token-value')}\n`);
  });

  it('masks secrets in stdout and stderr, also when printed split across writes', async () => {
    const code = [
      'import os, sys, time, base64',
      "s = os.environ['DB_PASSWORD']",
      "sys.stdout.write('pw=' + s[:5]); sys.stdout.flush(); time.sleep(0.2)",
      "sys.stdout.write(s[5:] + ' end\\n'); sys.stdout.flush()",
      "sys.stderr.write('err ' + os.environ['API_KEY'] + '\\n'); sys.stderr.flush()",
      "print('b64', base64.b64encode(('user:' + s).encode()).decode())",
      "print('token', os.environ['HUSH_TOKEN'])",
      "print('fine')",
    ].join('\n');
    const r = await hush(['--path', 'secret/myapp/production', '--', ...py(code)]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(DB_PASSWORD);
    expect(r.stdout).toContain('pw=***** end\n');
    expect(r.stdout).toMatch(/^b64 .{0,8}\*{5}.{0,4}$/m);
    expect(r.stdout).toContain('token *****\n');
    expect(r.stdout).toContain('fine\n');
    expect(r.stderr).toBe('err *****\n');
  });

  it('prints secrets unmasked with --no-mask', async () => {
    const r = await hush(['--no-mask', '--path', 'secret/myapp/production', '--', ...py("import os; print(os.environ['DB_PASSWORD'])")]);
    expect(r.stdout).toBe(`${DB_PASSWORD}\n`);
  });

  it('passes the exit code through, and a signal death as 128 + signo', async () => {
    expect((await hush(['--', 'sh', '-c', 'exit 7'])).code).toBe(7);
    expect((await hush(['--', 'sh', '-c', 'kill -TERM $$'])).code).toBe(143);
    const missing = await hush(['--', 'no-such-command-xyz']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('no-such-command-xyz: command not found');
  });

  it('forwards SIGTERM to the child and returns its status', async () => {
    const child = start([
      '--',
      ...py(
        "import os, signal, time\ndef h(n, f):\n  os.write(1, b'got TERM\\n'); os._exit(42)\nsignal.signal(signal.SIGTERM, h)\nos.write(1, b'ready\\n')\ntime.sleep(30)",
      ),
    ]);
    const done = collectOutput(child);
    await waitFor(child, 'ready');
    child.kill('SIGTERM');
    const r = await done;
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code: 42, stdout: 'ready\ngot TERM\n', stderr: '' });
  });

  it('forwards SIGINT and SIGHUP too', async () => {
    for (const [signal, status] of [
      ['SIGINT', 21],
      ['SIGHUP', 22],
    ] as const) {
      const child = start([
        '--',
        ...py(
          `import os, signal, time\ndef h(n, f):\n  os._exit(${status})\nsignal.signal(signal.${signal}, h)\nos.write(1, b'ready\\n')\ntime.sleep(30)`,
        ),
      ]);
      const done = collectOutput(child);
      await waitFor(child, 'ready');
      child.kill(signal);
      const r = await done;
      expect(r.code).toBe(status);
    }
  });

  it('does not leave the child running when hush is killed with SIGKILL', async () => {
    const child = start(['--', ...py("import os, time\nprint('pid', os.getpid(), flush=True)\ntime.sleep(30)")]);
    const done = collectOutput(child);
    const seen = await waitFor(child, '\n');
    const pid = Number(/pid (\d+)/.exec(seen)![1]);
    expect(alive(pid)).toBe(true);
    child.kill('SIGKILL');
    await done;
    for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(pid)).toBe(false);
  });

  it('--mount writes 0400 files, sets NAME_FILE instead of NAME, and removes them afterwards', async () => {
    const mountDir = join(dir, 'mnt');
    const code =
      "import os, stat\nf = os.environ['DB_PASSWORD_FILE']\nprint(oct(stat.S_IMODE(os.stat(f).st_mode)), oct(stat.S_IMODE(os.stat(os.path.dirname(f)).st_mode)), 'DB_PASSWORD' in os.environ, open(f).read()[::-1], f)";
    const r = await hush(['--mount', mountDir, '--path', 'secret/myapp/production', '--', ...py(code)]);
    expect(r.code).toBe(0);
    const [fileMode, dirMode, plainSet, content, file] = r.stdout.trim().split(' ');
    expect(fileMode).toBe('0o400');
    expect(dirMode).toBe('0o700');
    expect(plainSet).toBe('False');
    expect(content).toBe(rev(DB_PASSWORD));
    expect(file).toBe(join(mountDir, 'DB_PASSWORD'));
    expect(existsSync(file!)).toBe(false);
    expect(existsSync(mountDir)).toBe(false);
  });

  it('--mount removes the files when hush is stopped by a signal', async () => {
    const child = start([
      '--mount',
      '--path',
      'secret/myapp/production',
      '--',
      ...py("import os, time\nprint(os.environ['API_KEY_FILE'], flush=True)\ntime.sleep(30)"),
    ]);
    const done = collectOutput(child);
    const file = (await waitFor(child, '\n')).trim();
    expect(file.startsWith('/dev/shm/') || file.startsWith(tmpdir())).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o400);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(existsSync(file)).toBe(false);
  });

  it('names the variable and the reference when a reference does not resolve', async () => {
    const envFile = join(dir, 'missing.env');
    writeFileSync(envFile, 'GOOD=hush://secret/myapp/production#API_KEY\nDB_URL=hush://secret/myapp/production#NO_SUCH_KEY\n');
    const r = await hush(['--env-file', envFile, '--', 'true']);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DB_URL');
    expect(lines[0]).toContain('hush://secret/myapp/production#NO_SUCH_KEY');
    expect(r.stderr).not.toContain(API_KEY);
    writeFileSync(envFile, 'X=hush://secret/myapp/nowhere#KEY\n');
    const r2 = await hush(['--env-file', envFile, '--', 'true']);
    expect(r2.code).not.toBe(0);
    expect(r2.stderr).toMatch(/X .*hush:\/\/secret\/myapp\/nowhere#KEY.*no secret at secret\/myapp\/nowhere/);
  });

  it('uses the fallback copy only when the server is unreachable', async () => {
    const copy = join(dir, 'fallback.enc');
    const key = { HUSH_FALLBACK_KEY: 'correct horse battery staple' };
    const show = py("import os; print(os.environ['DB_PASSWORD'][::-1])");
    const first = await hush(['--fallback', copy, '--path', 'secret/myapp/production', '--', ...show], key);
    expect(first.code).toBe(0);
    expect(statSync(copy).mode & 0o777).toBe(0o600);
    expect(readFileSync(copy, 'utf8')).not.toContain(DB_PASSWORD);

    const offline = { ...key, HUSH_ADDR: 'http://127.0.0.1:1' };
    const used = await hush(['--fallback', copy, '--path', 'secret/myapp/production', '--', ...show], offline);
    expect(used.code).toBe(0);
    expect(used.stdout).toBe(`${rev(DB_PASSWORD)}\n`);
    expect(used.stderr).toMatch(/warning: cannot reach .*fallback copy .* fetched \d+s ago/);

    const tooOld = await hush(['--fallback', copy, '--fallback-max-age', '1ms', '--path', 'secret/myapp/production', '--', ...show], offline);
    expect(tooOld.code).not.toBe(0);
    expect(tooOld.stderr).toContain('older than --fallback-max-age');

    const wrongKey = await hush(['--fallback', copy, '--path', 'secret/myapp/production', '--', ...show], {
      ...offline,
      HUSH_FALLBACK_KEY: 'wrong',
    });
    expect(wrongKey.code).not.toBe(0);
    expect(wrongKey.stderr).toContain('cannot decrypt');

    const denied = await hush(['--fallback', copy, '--path', 'secret/myapp/production', '--', ...show], {
      ...key,
      HUSH_TOKEN: 'hvs.not-a-valid-token',
    });
    expect(denied.code).not.toBe(0);
    expect(denied.stdout).toBe('');
    expect(denied.stderr).toContain('403');
    expect(denied.stderr).not.toContain('fallback copy');
  });
});
