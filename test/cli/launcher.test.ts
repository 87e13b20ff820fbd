/**
 * The installed command `bin/hush` (a shell launcher, see its header): it finds bin/hush.js
 * through npm's symlinks under any POSIX sh, and it defers NODE_EXTRA_CA_CERTS to Hush's client
 * without changing what is trusted or what the commands hush starts see.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevTls } from '../../src/http/dev-tls.js';
import { createProgram } from '../../src/cli/program.js';
import { SERVER_ENV_DEFAULTS, SERVER_NODE_OPTIONS, serverEnvironment, serverNodeOptions } from '../../src/config/server-node-options.js';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { runProcess } from '../helpers/run-process.js';
import type { ProcessResult } from '../helpers/run-process.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LAUNCHER = join(ROOT, 'bin/hush');

function run(file: string, args: readonly string[], env: Record<string, string | undefined>): Promise<ProcessResult> {
  return runProcess(file, args, { env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env } as NodeJS.ProcessEnv });
}

const shells = ['sh', 'dash', 'bash'].filter((sh) => spawnSync('sh', ['-c', `command -v ${sh}`]).status === 0);

describe('bin/hush, the launcher', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hush-launcher-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs through npm-style symlinks (relative, then absolute), from any POSIX sh', async () => {
    // node_modules/.bin/hush -> ../hush/bin/hush, node_modules/hush -> the package
    mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
    symlinkSync(ROOT, join(dir, 'node_modules/hush'));
    symlinkSync('../hush/bin/hush', join(dir, 'node_modules/.bin/hush'));
    mkdirSync(join(dir, 'global-bin'));
    symlinkSync(join(dir, 'node_modules/.bin/hush'), join(dir, 'global-bin/hush'));
    for (const bin of [join(dir, 'node_modules/.bin/hush'), join(dir, 'global-bin/hush')]) {
      expect((await run(bin, ['version'], {})).stdout).toMatch(/^Hush v/);
      for (const sh of shells) expect((await run(sh, [bin, 'version'], {})).stdout, sh).toMatch(/^Hush v/);
    }
  });

  it('starts the server with the server\'s Node options, and other commands without', async () => {
    // a `node` first on PATH that prints the arguments it was given
    const fakeBin = join(dir, 'fake-node');
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
    const path = `${fakeBin}:${process.env.PATH ?? ''}`;
    const server = await run(LAUNCHER, ['server', '--dev'], { PATH: path });
    expect(server.stdout.split('\n')).toEqual([...SERVER_NODE_OPTIONS, join(ROOT, 'bin/hush.js'), 'server', '--dev', '']);
    const other = await run(LAUNCHER, ['kv', 'get', 'secret/x'], { PATH: path });
    expect(other.stdout.split('\n')).toEqual([join(ROOT, 'bin/hush.js'), 'kv', 'get', 'secret/x', '']);
  });

  it('gives the server one V8 helper thread fewer than the cores, 1 to 4, as the launcher counts them', async () => {
    expect([1, 2, 3, 4, 5, 64].map((cores) => serverNodeOptions(cores).at(-1))).toEqual([
      '--v8-pool-size=1',
      '--v8-pool-size=1',
      '--v8-pool-size=2',
      '--v8-pool-size=3',
      '--v8-pool-size=4',
      '--v8-pool-size=4',
    ]);
    // a `node` that prints its arguments, and an `nproc` that answers what the test says
    const fakeBin = join(dir, 'fake-nproc');
    mkdirSync(fakeBin, { recursive: true });
    writeFileSync(join(fakeBin, 'node'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
    for (const [answer, expected] of [['3', 3], ['16', 16], ['1', 1], ['nonsense', 5]] as const) {
      writeFileSync(join(fakeBin, 'nproc'), `#!/bin/sh\necho ${answer}\n`, { mode: 0o755 });
      const server = await run(LAUNCHER, ['server'], { PATH: `${fakeBin}:${process.env.PATH ?? ''}` });
      expect(server.stdout.split('\n'), answer).toEqual([...serverNodeOptions(expected), join(ROOT, 'bin/hush.js'), 'server', '']);
    }
  });

  it('starts the server with the server\'s environment defaults, keeping what is already set', async () => {
    // a `node` first on PATH that prints the variables the server's defaults name
    const fakeBin = join(dir, 'fake-node-env');
    mkdirSync(fakeBin, { recursive: true });
    const names = Object.keys(SERVER_ENV_DEFAULTS);
    writeFileSync(join(fakeBin, 'node'), `#!/bin/sh\n${names.map((n) => `printf "%s\\n" "${n}=\${${n}-unset}"`).join('\n')}\n`, { mode: 0o755 });
    const path = `${fakeBin}:${process.env.PATH ?? ''}`;
    const defaults = names.map((n) => `${n}=${SERVER_ENV_DEFAULTS[n] ?? ''}`);
    expect((await run(LAUNCHER, ['server', '--dev'], { PATH: path })).stdout.split('\n')).toEqual([...defaults, '']);
    expect(serverEnvironment({})).toEqual(SERVER_ENV_DEFAULTS);
    const mine = Object.fromEntries(names.map((n) => [n, '7']));
    expect((await run(LAUNCHER, ['server'], { PATH: path, ...mine })).stdout.split('\n')).toEqual([...names.map((n) => `${n}=7`), '']);
    expect(serverEnvironment(mine)).toEqual(mine);
    expect((await run(LAUNCHER, ['kv', 'get', 'secret/x'], { PATH: path })).stdout.split('\n')).toEqual([...names.map((n) => `${n}=unset`), '']);
  });

  it('defers NODE_EXTRA_CA_CERTS for every command but the server, and lists every command', async () => {
    const text = readFileSync(LAUNCHER, 'utf8');
    const deferred = /^\s*(run\|[a-z|]+)\)$/m.exec(text)?.[1]?.split('|') ?? [];
    expect(deferred).toContain('run');
    const all = (await createProgram()).commands.map((c) => c.name());
    // a new command must be put in one list or the other: deferred only if its TLS
    // connections are all made by Hush's client (src/client)
    expect([...deferred, 'server'].sort()).toEqual([...all].sort());
  });
});

describe('NODE_EXTRA_CA_CERTS through the launcher', () => {
  let server: TestServer;
  let home: string;
  let caFile: string;
  let otherCaFile: string;
  let base: Record<string, string>;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hush-extra-ca-'));
    const files = await createDevTls(join(home, 'tls'));
    caFile = files.caFile;
    otherCaFile = (await createDevTls(join(home, 'other-tls'))).caFile;
    server = await startTestServer({ storage: 'memory', tls: { certFile: files.certFile, keyFile: files.keyFile } });
    base = { HUSH_ADDR: server.address, HUSH_TOKEN: server.rootToken, HUSH_TOKEN_FILE: join(home, 'no-token') };
    const put = await run(LAUNCHER, ['kv', 'put', 'secret/tls', 'k=tls-value-123'], { ...base, HUSH_CACERT: caFile });
    expect(put.code, put.stderr).toBe(0);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  // prints what the child sees, and (Linux) the environment its parent, hush, was started with
  const probe = [
    process.execPath,
    '-e',
    [
      'const fs = require("node:fs");',
      'console.log(JSON.stringify({',
      '  extra: process.env.NODE_EXTRA_CA_CERTS ?? null,',
      '  deferred: process.env.HUSH_DEFERRED_NODE_EXTRA_CA_CERTS ?? null,',
      '  secret: process.env.k ?? null,',
      '  hushStartedWith: fs.existsSync("/proc/" + process.ppid + "/environ") ? fs.readFileSync("/proc/" + process.ppid + "/environ", "latin1").split("\\0").filter((e) => e.includes("NODE_EXTRA_CA_CERTS")) : null,',
      '}));',
    ].join('\n'),
  ];

  it('trusts a server whose CA is given only in NODE_EXTRA_CA_CERTS, and the child sees the variable unchanged', async () => {
    const r = await run(LAUNCHER, ['run', '--no-mask', '--path', 'secret/tls', '--', ...probe], { ...base, NODE_EXTRA_CA_CERTS: caFile });
    expect(r.code, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(seen).toMatchObject({ extra: caFile, deferred: null, secret: 'tls-value-123' });
    // Node itself was started without it: the point of the launcher
    if (seen.hushStartedWith !== null) expect(seen.hushStartedWith).toEqual([`HUSH_DEFERRED_NODE_EXTRA_CA_CERTS=${caFile}`]);
    expect((await run(LAUNCHER, ['kv', 'get', '-field=k', 'secret/tls'], { ...base, NODE_EXTRA_CA_CERTS: caFile })).stdout).toBe('tls-value-123');
  });

  it('trusts nothing more than Node would: not without the variable, not when an explicit CA replaces the defaults', async () => {
    const without = await run(LAUNCHER, ['run', '--path', 'secret/tls', '--', 'true'], base);
    expect(without.code).not.toBe(0);
    expect(without.stderr).toMatch(/certificate/);
    const replaced = await run(LAUNCHER, ['run', '--path', 'secret/tls', '--', 'true'], { ...base, NODE_EXTRA_CA_CERTS: caFile, HUSH_CACERT: otherCaFile });
    expect(replaced.code).not.toBe(0);
    expect(replaced.stderr).toMatch(/certificate/);
    // the same as Node's own handling of the variable, loaded at start-up, with `ca` given
    const node = await run(
      process.execPath,
      ['-e', `require('node:https').get(process.argv[1], { ca: require('node:fs').readFileSync(process.argv[2]) }, () => process.exit(0)).on('error', () => process.exit(3))`, `${server.address}/v1/sys/health`, otherCaFile],
      { NODE_EXTRA_CA_CERTS: caFile },
    );
    expect(node.code).toBe(3);
  });

  it('warns as Node does when the file cannot be loaded, and goes on with the default roots', async () => {
    const missing = join(home, 'missing.pem');
    const r = await run(LAUNCHER, ['run', '--path', 'secret/tls', '--', 'true'], { ...base, NODE_EXTRA_CA_CERTS: missing, HUSH_SKIP_VERIFY: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`Ignoring extra certs from \`${missing}\``);
  });

  it('leaves the variable to Node for `hush server`', async () => {
    // a `node` that prints the environment the launcher starts it with
    const fake = join(home, 'fake-node');
    mkdirSync(fake);
    writeFileSync(join(fake, 'node'), '#!/bin/sh\necho "${NODE_EXTRA_CA_CERTS-}|${HUSH_DEFERRED_NODE_EXTRA_CA_CERTS-}"\n', { mode: 0o755 });
    const env = { PATH: `${fake}:${process.env.PATH}`, NODE_EXTRA_CA_CERTS: caFile };
    expect((await run(LAUNCHER, ['server', '-dev'], env)).stdout.trim()).toBe(`${caFile}|`);
    expect((await run(LAUNCHER, ['-h', 'run', '--', 'true'], env)).stdout.trim()).toBe(`|${caFile}`);
    expect((await run(LAUNCHER, ['run', '--', 'hush', 'server'], env)).stdout.trim()).toBe(`|${caFile}`);
    expect((await run(LAUNCHER, ['server'], { ...env, NODE_EXTRA_CA_CERTS: '' })).stdout.trim()).toBe('|');
  });
});
