/**
 * End-to-end tests of the `hush` command line: each test spawns the real CLI
 * (`bin/hush.js` running the built CLI bundle, as `npm test` builds it) against a real server started in this process.
 * Spawns are asynchronous so the in-process server keeps answering.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { buildCore, openBackend, serve } from '../../src/main.js';
import type { RunningServer } from '../../src/main.js';
import type { ServerConfig } from '../../src/config/server-config.js';
import { createDevTls } from '../../src/http/dev-tls.js';
import { startTestServer, startUninitialisedServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { runProcess } from '../helpers/run-process.js';
import { GnuPgHome } from '../helpers/gnupg.js';
import type { GpgKey } from '../helpers/gnupg.js';
import type { ProcessResult } from '../helpers/run-process.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAIN = join(ROOT, 'bin/hush.js');

type Run = ProcessResult;

let home: string;

/** The environment of a fresh shell: no HUSH_ / VAULT_ settings, a private HOME and token file. */
function cleanEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(HUSH|VAULT)_/.test(k) && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  }
  env.HOME = home;
  env.HUSH_TOKEN_FILE = join(home, '.hush-token');
  env.NO_COLOR = '1';
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

function hush(args: readonly string[], opts: { env?: Record<string, string | undefined>; input?: string } = {}): Promise<Run> {
  return runProcess(process.execPath, [MAIN, ...args], { cwd: ROOT, env: cleanEnv(opts.env ?? {}), input: opts.input ?? '' });
}

/** A failure must be exactly one line on stderr, without a stack trace. */
function expectOneLineError(r: Run, code: number): void {
  expect(r.code).toBe(code);
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^(Error|error): /);
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

describe('hush CLI against a dev server', () => {
  let server: TestServer;
  let env: Record<string, string>;
  const run = (args: readonly string[], extra: { env?: Record<string, string | undefined>; input?: string } = {}) =>
    hush(args, { input: extra.input, env: { ...env, ...(extra.env ?? {}) } });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hush-cli-home-'));
    server = await startTestServer({ storage: 'memory' });
    env = { HUSH_ADDR: server.address, HUSH_TOKEN: server.rootToken };
  });
  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('prints its version', async () => {
    const r = await run(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Hush v\d+\.\d+\.\d+/);
  });

  it('kv put then get: vault-style sections, -field raw, json and yaml', async () => {
    const put = await run(['kv', 'put', 'secret/myapp/production', 'username=app', 'password=s3cr3t']);
    expect(put.code).toBe(0);
    expect(put.stdout).toContain('Secret Path');
    expect(put.stdout).toContain('secret/data/myapp/production');
    expect(put.stdout).toMatch(/version\s+1/);
    expect(put.stdout).not.toContain('s3cr3t');

    const get = await run(['kv', 'get', 'secret/myapp/production']);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/=+ Secret Path =+\nsecret\/data\/myapp\/production/);
    expect(get.stdout).toMatch(/=+ Metadata =+/);
    expect(get.stdout).toMatch(/=+ Data =+\nKey\s+Value\n---\s+-----\npassword\s+s3cr3t\nusername\s+app/);

    const field = await run(['kv', 'get', '-field=password', 'secret/myapp/production']);
    expect(field).toMatchObject({ code: 0, stdout: 's3cr3t' });
    const field2 = await run(['kv', 'get', '--field', 'username', 'secret/myapp/production']);
    expect(field2.stdout).toBe('app');
    const mount = await run(['kv', 'get', '-mount=secret', '-field=password', 'myapp/production']);
    expect(mount.stdout).toBe('s3cr3t');

    const json = await run(['kv', 'get', '-format=json', 'secret/myapp/production']);
    expect(json.code).toBe(0);
    const body = JSON.parse(json.stdout);
    expect(body.data.data).toEqual({ username: 'app', password: 's3cr3t' });
    expect(body.data.metadata.version).toBe(1);

    const yaml = await run(['kv', 'get', '--format', 'yaml', 'secret/myapp/production']);
    expect(parseYaml(yaml.stdout).data.data.password).toBe('s3cr3t');

    const fmtEnv = await run(['kv', 'get', 'secret/myapp/production'], { env: { VAULT_FORMAT: 'json' } });
    expect(JSON.parse(fmtEnv.stdout).data.data.username).toBe('app');

    const missingField = await run(['kv', 'get', '-field=nope', 'secret/myapp/production']);
    expectOneLineError(missingField, 2);
    const missing = await run(['kv', 'get', 'secret/does/not/exist']);
    expectOneLineError(missing, 2);
    expect(missing.stderr).toContain('No value found at secret/data/does/not/exist');
  });

  it('kv put reads values from files (K=@file), stdin (K=-) and JSON on stdin (-)', async () => {
    const file = join(home, 'cert.pem');
    writeFileSync(file, '-----BEGIN X-----\nabc\n');
    expect((await run(['kv', 'put', 'secret/files', `cert=@${file}`, 'token=-'], { input: 'from-stdin' })).code).toBe(0);
    const body = JSON.parse((await run(['kv', 'get', '-format=json', 'secret/files'])).stdout);
    expect(body.data.data).toEqual({ cert: '-----BEGIN X-----\nabc\n', token: 'from-stdin' });

    expect((await run(['kv', 'put', 'secret/json', '-'], { input: '{"a":"1","b":"2"}' })).code).toBe(0);
    expect((await run(['kv', 'get', '-field=b', 'secret/json'])).stdout).toBe('2');

    const bad = await run(['kv', 'put', 'secret/json', 'novalue']);
    expectOneLineError(bad, 1);
    const missingFile = await run(['kv', 'put', 'secret/json', 'k=@/nonexistent/file']);
    expectOneLineError(missingFile, 1);
  });

  it('kv patch, list, delete, undelete, destroy, rollback and metadata', async () => {
    const p = 'secret/lifecycle/app';
    expect((await run(['kv', 'put', p, 'a=1', 'b=1'])).code).toBe(0);
    expect((await run(['kv', 'patch', p, 'b=2'])).code).toBe(0);
    const v2 = JSON.parse((await run(['kv', 'get', '-format=json', p])).stdout);
    expect(v2.data.data).toEqual({ a: '1', b: '2' });
    expect(v2.data.metadata.version).toBe(2);
    expect((await run(['kv', 'patch', '-method=rw', p, 'c=3'])).code).toBe(0);
    expect((await run(['kv', 'get', '-field=c', p])).stdout).toBe('3');

    const list = await run(['kv', 'list', 'secret/lifecycle']);
    expect(list.stdout).toBe('Keys\n----\napp\n');
    expect(JSON.parse((await run(['kv', 'list', '-format=json', 'secret/lifecycle/'])).stdout)).toEqual(['app']);

    expect((await run(['kv', 'get', '-version=1', '-field=b', p])).stdout).toBe('1');

    const del = await run(['kv', 'delete', p]);
    expect(del.stdout).toContain('Success! Data deleted (if it existed) at: secret/data/lifecycle/app');
    const deleted = await run(['kv', 'get', p]);
    expect(deleted.code).toBe(2);
    expect(deleted.stdout).toMatch(/deletion_time\s+\d{4}-/);
    expect((await run(['kv', 'undelete', '-versions=3', p])).stdout).toContain('secret/undelete/lifecycle/app');
    expect((await run(['kv', 'get', '-field=c', p])).stdout).toBe('3');

    const rb = await run(['kv', 'rollback', '-version=1', p]);
    expect(rb.code).toBe(0);
    expect(rb.stdout).toMatch(/version\s+4/);
    const after = JSON.parse((await run(['kv', 'get', '-format=json', p])).stdout);
    expect(after.data.data).toEqual({ a: '1', b: '1' });

    expect((await run(['kv', 'destroy', '-versions=1', p])).code).toBe(0);
    expect((await run(['kv', 'delete', '-versions=2', p])).stdout).toContain('secret/delete/lifecycle/app');
    const rbDestroyed = await run(['kv', 'rollback', '-version=1', p]);
    expectOneLineError(rbDestroyed, 2);

    expect((await run(['kv', 'metadata', 'put', '-max-versions=7', '-cas-required=true', '-custom-metadata', 'owner=team-a', '-custom-metadata=env=prod', p])).code).toBe(0);
    const meta = await run(['kv', 'metadata', 'get', p]);
    expect(meta.code).toBe(0);
    expect(meta.stdout).toMatch(/=+ Metadata Path =+\nsecret\/metadata\/lifecycle\/app/);
    expect(meta.stdout).toMatch(/max_versions\s+7/);
    expect(meta.stdout).toMatch(/cas_required\s+true/);
    expect(meta.stdout).toMatch(/=+ Version 1 =+/);
    expect(meta.stdout).toMatch(/destroyed\s+true/);
    const metaJson = JSON.parse((await run(['kv', 'metadata', 'get', '-format=json', p])).stdout);
    expect(metaJson.data.custom_metadata).toEqual({ owner: 'team-a', env: 'prod' });

    // cas is now required: a put without -cas fails, one with the right version works
    expectOneLineError(await run(['kv', 'put', p, 'x=1']), 2);
    expect((await run(['kv', 'put', '-cas=4', p, 'x=1'])).code).toBe(0);

    expect((await run(['kv', 'metadata', 'delete', p])).stdout).toContain('secret/metadata/lifecycle/app');
    expectOneLineError(await run(['kv', 'metadata', 'get', p]), 2);
  });

  it('kv on a version 1 mount, and secrets enable|list|tune|disable', async () => {
    const enable = await run(['secrets', 'enable', '-path=kv1', '-version=1', '-description=legacy', 'kv']);
    expect(enable).toMatchObject({ code: 0 });
    expect(enable.stdout).toContain('Success! Enabled the kv secrets engine at: kv1/');
    expect((await run(['secrets', 'enable', '-path=apps', 'kv-v2'])).code).toBe(0);

    const list = await run(['secrets', 'list']);
    expect(list.stdout).toMatch(/^Path\s+Type\s+Accessor\s+Description/);
    expect(list.stdout).toMatch(/kv1\/\s+kv\s+\S+\s+legacy/);
    const json = JSON.parse((await run(['secrets', 'list', '-format=json'])).stdout);
    expect(json['apps/'].options.version).toBe('2');
    expect(json['kv1/'].options.version).toBe('1');
    expect((await run(['secrets', 'list', '-detailed'])).stdout).toMatch(/map\[version:2\]/);

    expect((await run(['kv', 'put', 'kv1/app', 'k=v'])).stdout).toBe('Success! Data written to: kv1/app\n');
    const get = await run(['kv', 'get', 'kv1/app']);
    expect(get.stdout).not.toContain('Metadata');
    expect(get.stdout).toMatch(/=+ Data =+\nKey\s+Value\n---\s+-----\nk\s+v/);
    expect((await run(['kv', 'list', 'kv1'])).stdout).toContain('app');
    expectOneLineError(await run(['kv', 'metadata', 'get', 'kv1/app']), 1);

    const tune = await run(['secrets', 'tune', '-default-lease-ttl=1h', '-max-lease-ttl=2h', '-description=tuned', 'kv1']);
    expect(tune.stdout).toContain('Success! Tuned the secrets engine at: kv1/');
    const tuned = JSON.parse((await run(['read', '-format=json', 'sys/mounts/kv1/tune'])).stdout);
    expect(tuned.data).toMatchObject({ default_lease_ttl: 3600, max_lease_ttl: 7200, description: 'tuned' });

    expect((await run(['secrets', 'disable', 'kv1'])).stdout).toContain('Success! Disabled the secrets engine (if it existed) at: kv1/');
    expect(JSON.parse((await run(['secrets', 'list', '--format=json'])).stdout)['kv1/']).toBeUndefined();
  });

  it('generic read, write, list and delete', async () => {
    expect((await run(['secrets', 'enable', '-path=gen', 'kv'])).code).toBe(0);
    expect((await run(['write', 'gen/db', 'user=app', 'pass=pw'])).stdout).toBe('Success! Data written to: gen/db\n');
    expect((await run(['write', 'gen/json', '-'], { input: '{"n":"1"}' })).code).toBe(0);
    const read = await run(['read', 'gen/db']);
    expect(read.stdout).toMatch(/pass\s+pw\nuser\s+app/);
    expect((await run(['read', '-field=user', 'gen/db'])).stdout).toBe('app');
    expect(JSON.parse((await run(['read', '-format=json', 'gen/json'])).stdout).data).toEqual({ n: '1' });
    expect((await run(['list', 'gen/'])).stdout).toBe('Keys\n----\ndb\njson\n');
    expect((await run(['delete', 'gen/db'])).stdout).toContain('Success! Data deleted (if it existed) at: gen/db');
    expectOneLineError(await run(['read', 'gen/db']), 2);
    // raw (envelope-less) sys routes read as tables too
    expect((await run(['read', 'sys/seal-status'])).stdout).toMatch(/sealed\s+false/);
    expectOneLineError(await run(['write', 'gen/empty']), 1);
  });

  it('auth list, and enable/disable failures are one line', async () => {
    const list = await run(['auth', 'list']);
    expect(list.stdout).toMatch(/token\/\s+token/);
    expect(JSON.parse((await run(['auth', 'list', '-format=json'])).stdout)['token/'].type).toBe('token');
    expectOneLineError(await run(['auth', 'enable', 'no-such-method']), 2);
    expect((await run(['auth', 'disable', 'nothing-here'])).stdout).toContain('Success! Disabled the auth method (if it existed) at: nothing-here/');
  });

  it('policy write (file and stdin), read, list, delete, fmt', async () => {
    const file = join(home, 'app.hcl');
    writeFileSync(file, 'path "secret/data/app/*" {\ncapabilities=["read","list"]\n}\n');
    const fmt = await run(['policy', 'fmt', file]);
    expect(fmt.stdout).toBe(`Success! Formatted policy: ${file}\n`);
    expect(readFileSync(file, 'utf8')).toBe('path "secret/data/app/*" {\n  capabilities = ["read", "list"]\n}\n');
    writeFileSync(join(home, 'broken.hcl'), 'path "x" { capabilities = [');
    expectOneLineError(await run(['policy', 'fmt', join(home, 'broken.hcl')]), 2);

    expect((await run(['policy', 'write', 'app-read', file])).stdout).toBe('Success! Uploaded policy: app-read\n');
    expect((await run(['policy', 'write', 'other', '-'], { input: 'path "x/*" { capabilities = ["read"] }' })).code).toBe(0);
    const list = await run(['policy', 'list']);
    expect(list.stdout.split('\n')).toEqual(expect.arrayContaining(['app-read', 'other', 'default', 'root']));
    expect((await run(['policy', 'read', 'app-read'])).stdout).toContain('path "secret/data/app/*"');
    expect(JSON.parse((await run(['policy', 'read', '-format=json', 'app-read'])).stdout).data.name).toBe('app-read');
    expect((await run(['policy', 'delete', 'other'])).stdout).toBe('Success! Deleted policy: other\n');
    expectOneLineError(await run(['policy', 'read', 'other']), 2);
  });

  it('audit enable, list, verify (intact and tampered), disable', async () => {
    const log = join(home, 'audit.log');
    const enable = await run(['audit', 'enable', 'file', `file_path=${log}`]);
    expect(enable.stdout).toBe('Success! Enabled the file audit device at: file/\n');
    expect((await run(['audit', 'list'])).stdout).toMatch(/file\/\s+file/);
    expect((await run(['audit', 'list', '-detailed'])).stdout).toContain(`file_path:${log}`);
    await run(['kv', 'put', 'secret/audited', 'k=v']);
    await run(['kv', 'get', 'secret/audited']);

    const ok = await run(['audit', 'verify', log]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^OK: \d+ lines, chain intact\n$/);
    expect((await run(['audit', 'disable', 'file'])).stdout).toContain('Success! Disabled audit device (if it was enabled) at: file/');
    expect((await run(['audit', 'list'])).stdout).toBe('No audit devices are enabled.\n');

    const lines = readFileSync(log, 'utf8').split('\n');
    expect(lines.length).toBeGreaterThan(3);
    lines[1] = lines[1]!.replace('"type"', '"tYpe"');
    const tampered = join(home, 'tampered.log');
    writeFileSync(tampered, lines.join('\n'));
    const bad = await run(['audit', 'verify', tampered]);
    expectOneLineError(bad, 1);
    expect(bad.stderr).toContain('line 2');
    expectOneLineError(await run(['audit', 'verify', join(home, 'no-such.log')]), 1);
  });

  it('token create, lookup, renew, revoke; a 403 is one line with exit 2', async () => {
    await run(['policy', 'write', 'reader', '-'], { input: 'path "secret/data/shared/*" { capabilities = ["read"] }' });
    await run(['kv', 'put', 'secret/shared/one', 'v=1']);
    const created = await run(['token', 'create', '-policy=reader', '-policy', 'default', '-ttl=1h', '-metadata', 'team=ci', '-display-name=ci']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/token_policies\s+\[default reader\]|token_policies\s+\[reader default\]/);
    expect(created.stdout).toMatch(/token_duration\s+1h/);
    expect(created.stdout).toMatch(/token_meta_team\s+ci/);

    const token = (await run(['token', 'create', '-policy=reader', '-ttl=1h', '-field=token'])).stdout;
    expect(token).toMatch(/^hvs\.\S+$/);
    const lookup = await run(['token', 'lookup', token]);
    expect(lookup.stdout).toMatch(/policies\s+\[default reader\]|policies\s+\[reader default\]/);
    const accessor = (await run(['token', 'lookup', '-field=accessor', token])).stdout;
    expect((await run(['token', 'lookup', '-accessor', accessor, '-format=json'])).stdout).toContain(accessor);
    const self = JSON.parse((await run(['token', 'lookup', '-format=json'], { env: { HUSH_TOKEN: token } })).stdout);
    expect(self.data.id).toBe(token);
    expect((await run(['token', 'renew', '-increment=2h', token])).stdout).toMatch(/token_duration\s+2h/);

    // the limited token reads what its policy allows and gets a one-line 403 elsewhere
    expect((await run(['read', '-field=data', 'secret/data/shared/one'], { env: { HUSH_TOKEN: token } })).stdout).toBe('{"v":"1"}');
    const denied = await run(['kv', 'put', 'secret/shared/one', 'v=topsecret-value'], { env: { HUSH_TOKEN: token } });
    expectOneLineError(denied, 2);
    expect(denied.stderr).toContain('403');
    expect(denied.stderr).not.toContain('topsecret-value');
    const deniedRead = await run(['read', 'sys/mounts'], { env: { HUSH_TOKEN: token } });
    expectOneLineError(deniedRead, 2);

    const orphan = JSON.parse((await run(['token', 'create', '-orphan', '-no-default-policy', '-policy=reader', '-use-limit=5', '-period=30m', '-format=json'])).stdout);
    expect(orphan.auth.policies).toEqual(['reader']);
    expect(orphan.auth.orphan).toBe(true);

    expect((await run(['token', 'revoke', token])).stdout).toBe('Success! Revoked token (if it existed)\n');
    expectOneLineError(await run(['token', 'lookup', token]), 2);
    const other = (await run(['token', 'create', '-field=token'])).stdout;
    expect((await run(['token', 'revoke', '-self'], { env: { HUSH_TOKEN: other } })).code).toBe(0);
    expectOneLineError(await run(['token', 'lookup'], { env: { HUSH_TOKEN: other } }), 2);
    const third = (await run(['token', 'create', '-field=token_accessor'])).stdout;
    expect((await run(['token', 'revoke', '-accessor', third])).code).toBe(0);
    expectOneLineError(await run(['token', 'revoke']), 1);
  });

  it('kv get works with a token whose policy covers only the secret (vault lets the pre-flight through)', async () => {
    // Vault answers sys/internal/ui/mounts/<path> for any token holding some capability under
    // that mount; `vault kv` (and `hush kv`) depend on it to find the mount and KV version.
    await run(['policy', 'write', 'narrow', '-'], { input: 'path "secret/data/narrow/*" { capabilities = ["read"] }' });
    await run(['kv', 'put', 'secret/narrow/one', 'v=1']);
    const token = (await run(['token', 'create', '-policy=narrow', '-field=token'])).stdout;
    const get = await run(['kv', 'get', '-field=v', 'secret/narrow/one'], { env: { HUSH_TOKEN: token } });
    expect(get.stderr).toBe('');
    expect(get.stdout).toBe('1');

    // A token with nothing under secret/ does not even learn the mount's type.
    await run(['policy', 'write', 'elsewhere', '-'], { input: 'path "other/*" { capabilities = ["read"] }' });
    const outsider = (await run(['token', 'create', '-policy=elsewhere', '-field=token'])).stdout;
    const refused = await run(['kv', 'get', 'secret/narrow/one'], { env: { HUSH_TOKEN: outsider } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/403|permission denied/i);
    expect(refused.stdout).toBe('');
  });

  it('login stores the token in a 0600 file that later commands use', async () => {
    const tokenFile = join(home, 'login-token');
    const noEnv = { HUSH_TOKEN: undefined, HUSH_TOKEN_FILE: tokenFile };
    const noStore = await run(['login', '-no-store', server.rootToken], { env: noEnv });
    expect(noStore.code).toBe(0);
    expect(existsSync(tokenFile)).toBe(false);

    const login = await run(['login', server.rootToken], { env: noEnv });
    expect(login.code).toBe(0);
    expect(login.stdout).toContain('Success! You are now authenticated.');
    expect(login.stdout).toMatch(/policies\s+\[root\]/);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(server.rootToken);
    expect((await run(['token', 'lookup', '-field=id'], { env: noEnv })).stdout).toBe(server.rootToken);

    // from stdin
    const child = (await run(['token', 'create', '-policy=default', '-field=token'])).stdout;
    expect((await run(['login', '-'], { env: noEnv, input: `${child}\n` })).code).toBe(0);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(child);
    expect((await run(['login', '-field=token_policies', '-no-store', child], { env: noEnv })).stdout).toBe('["default"]');
    // -token-only (export VAULT_TOKEN=$(hush login -token-only …)) prints the token alone and stores nothing
    const other = (await run(['token', 'create', '-policy=default', '-field=token'])).stdout;
    const only = await run(['login', '-token-only', other], { env: noEnv });
    expect([only.code, only.stdout, only.stderr]).toEqual([0, other, '']);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(child);
    // -no-print stores it and prints nothing
    const quiet = await run(['login', '-no-print', other], { env: noEnv });
    expect([quiet.code, quiet.stdout]).toEqual([0, '']);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(other);
    writeFileSync(tokenFile, `${child}\n`, { mode: 0o600 }); // back to the token the checks below expect

    expectOneLineError(await run(['login', 'hvs.not-a-real-token'], { env: noEnv }), 2);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(child);
    const method = await run(['login', '-method=ldap', 'username=x'], { env: noEnv });
    expectOneLineError(method, 1);
    expect(method.stderr).toContain('not supported');
  });

  it('login with userpass (password prompted from stdin) and approle, as the vault CLI spells it', async () => {
    const tokenFile = join(home, 'method-token');
    const noEnv = { HUSH_TOKEN: undefined, HUSH_TOKEN_FILE: tokenFile };
    expect((await run(['auth', 'enable', 'userpass'])).code).toBe(0);
    expect((await run(['write', 'auth/userpass/users/alice', 'password=cli-pw-1', 'token_policies=default'])).code).toBe(0);
    const up = await run(['login', '-method=userpass', 'username=alice'], { env: noEnv, input: 'cli-pw-1\n' });
    expect(up.code).toBe(0);
    expect(up.stdout).toContain('Success! You are now authenticated.');
    expect(up.stdout).not.toContain('cli-pw-1');
    const lookup = await run(['token', 'lookup', '-format=json'], { env: noEnv });
    expect(JSON.parse(lookup.stdout).data.meta).toEqual({ username: 'alice' });
    expectOneLineError(await run(['login', '-method=userpass', 'username=alice', 'password=wrong'], { env: noEnv }), 2);

    expect((await run(['auth', 'enable', '-path=ci', 'approle'])).code).toBe(0);
    expect((await run(['write', 'auth/ci/role/deploy', 'token_policies=default'])).code).toBe(0);
    const roleId = (await run(['read', '-field=role_id', 'auth/ci/role/deploy/role-id'])).stdout.trim();
    const secretId = (await run(['write', '-f', '-field=secret_id', 'auth/ci/role/deploy/secret-id'])).stdout.trim();
    const ar = await run(['login', '-method=approle', '-path=ci', `role_id=${roleId}`, `secret_id=${secretId}`, '-field=token'], { env: noEnv });
    expect(ar.code).toBe(0);
    expect(readFileSync(tokenFile, 'utf8').trim()).toBe(ar.stdout.trim());

    // a deploy tool hands the new machine a wrapped secret ID; the machine unwraps it once
    const shown = await run(['write', '-wrap-ttl=60s', '-f', 'auth/ci/role/deploy/secret-id']);
    expect(shown.stdout).toMatch(/wrapping_token\s+hvs\./);
    expect(shown.stdout).toMatch(/wrapping_token_creation_path\s+auth\/ci\/role\/deploy\/secret-id/);
    expect(shown.stdout).not.toMatch(/secret_id\s/);
    const wrapping = (await run(['write', '-wrap-ttl=120s', '-f', '-field=wrapping_token', 'auth/ci/role/deploy/secret-id'])).stdout.trim();
    const machine = { HUSH_TOKEN: undefined, HUSH_TOKEN_FILE: join(home, 'new-machine-token') };
    const unwrapped = await run(['unwrap', '-field=secret_id', wrapping], { env: machine });
    expect(unwrapped.code, unwrapped.stderr).toBe(0);
    const machineLogin = await run(['login', '-method=approle', '-path=ci', `role_id=${roleId}`, `secret_id=${unwrapped.stdout.trim()}`, '-token-only'], { env: machine });
    expect(machineLogin.code, machineLogin.stderr).toBe(0);
    expectOneLineError(await run(['unwrap', wrapping], { env: machine }), 2);
    const wrappedRead = (await run(['read', '-wrap-ttl=1m', '-field=wrapping_token', 'auth/ci/role/deploy/role-id'])).stdout.trim();
    expect((await run(['unwrap', '-field=role_id', wrappedRead], { env: machine })).stdout).toBe(roleId);
    // kv get / kv list -wrap-ttl: only the read is wrapped (the mount lookup before it is not)
    expect((await run(['kv', 'put', 'secret/handover/db', 'password=handed-over'])).code).toBe(0);
    const wrappedKv = await run(['kv', 'get', '-wrap-ttl=1m', 'secret/handover/db']);
    expect(wrappedKv.code, wrappedKv.stderr).toBe(0);
    expect(wrappedKv.stdout).toMatch(/wrapping_token_creation_path\s+secret\/data\/handover\/db/);
    expect(wrappedKv.stdout).not.toContain('handed-over');
    const kvWrapping = (await run(['kv', 'get', '-wrap-ttl=1m', '-field=wrapping_token', 'secret/handover/db'])).stdout.trim();
    const kvOpened = JSON.parse((await run(['unwrap', '-format=json', kvWrapping], { env: machine })).stdout);
    expect(kvOpened.data.data).toEqual({ password: 'handed-over' });
    const listWrapping = (await run(['kv', 'list', '-wrap-ttl=1m', '-field=wrapping_token', 'secret/handover'])).stdout.trim();
    expect(JSON.parse((await run(['unwrap', '-format=json', listWrapping], { env: machine })).stdout).data.keys).toEqual(['db']);
    const wrappedToken = (await run(['token', 'create', '-wrap-ttl=1m', '-policy=default', '-field=wrapping_token'])).stdout.trim();
    const opened = (await run(['unwrap', '-field=token', wrappedToken], { env: machine })).stdout;
    expect((await run(['token', 'lookup', '-field=policies'], { env: { ...machine, HUSH_TOKEN: opened } })).stdout).toBe('["default"]');

    // vault auth tune -token-type=batch: later logins on the mount get batch tokens
    const tuned = await run(['auth', 'tune', '-token-type=batch', '-default-lease-ttl=15m', 'ci/']);
    expect(tuned.stdout).toContain('Success! Tuned the auth method at: ci/');
    const tuning = JSON.parse((await run(['read', '-format=json', 'sys/auth/ci/tune'])).stdout);
    expect(tuning.data).toMatchObject({ token_type: 'batch', default_lease_ttl: 900 });
    const secretId2 = (await run(['write', '-f', '-field=secret_id', 'auth/ci/role/deploy/secret-id'])).stdout.trim();
    const batch = await run(['write', '-format=json', 'auth/ci/login', `role_id=${roleId}`, `secret_id=${secretId2}`]);
    expect(JSON.parse(batch.stdout).auth).toMatchObject({ token_type: 'batch', lease_duration: 900 });
    expectOneLineError(await run(['auth', 'tune', '-token-type=sometimes', 'ci/']), 2);
  });

  it('lease lookup and revoke (one, -prefix), token revoke -mode=path; misuse is one line', async () => {
    expect((await run(['auth', 'enable', '-path=leases-ci', 'approle'])).code).toBe(0);
    expect((await run(['write', 'auth/leases-ci/role/deploy', 'token_policies=default', 'token_ttl=20m'])).code).toBe(0);
    const roleId = (await run(['read', '-field=role_id', 'auth/leases-ci/role/deploy/role-id'])).stdout.trim();
    const login = async () => {
      const secretId = (await run(['write', '-f', '-field=secret_id', 'auth/leases-ci/role/deploy/secret-id'])).stdout.trim();
      return (await run(['write', '-field=token', 'auth/leases-ci/login', `role_id=${roleId}`, `secret_id=${secretId}`])).stdout.trim();
    };
    const works = async (token: string) => (await run(['token', 'lookup'], { env: { HUSH_TOKEN: token } })).code === 0;
    const tokens = [await login(), await login(), await login()];

    const listed = JSON.parse((await run(['list', '-format=json', 'sys/leases/lookup/auth/leases-ci/login/'])).stdout) as string[];
    expect(listed).toHaveLength(3);
    const leaseId = `auth/leases-ci/login/${listed[0]}`;
    const lookup = await run(['lease', 'lookup', leaseId]);
    expect(lookup.code).toBe(0);
    expect(lookup.stdout).toMatch(/ttl\s+(19m\d+s|20m)/);
    expect(lookup.stdout).toMatch(new RegExp(`^id\\s+${leaseId}$`, 'm'));
    expect((await run(['lease', 'lookup', '-field=id', leaseId])).stdout).toBe(leaseId);

    expect((await run(['lease', 'revoke', leaseId])).stdout).toBe(`Success! Revoked lease: ${leaseId}\n`);
    expect((await Promise.all(tokens.map(works))).filter(Boolean)).toHaveLength(2);
    const prefix = await run(['lease', 'revoke', '-prefix', 'auth/leases-ci/']);
    expect(prefix.stdout).toBe('Success! Revoked any leases with prefix: auth/leases-ci/\n');
    expect((await Promise.all(tokens.map(works))).filter(Boolean)).toHaveLength(0);

    const again = await login();
    expect((await run(['token', 'revoke', '-mode=path', 'auth/leases-ci/login'])).stdout).toBe('Success! Revoked token (if it existed)\n');
    expect(await works(again)).toBe(false);

    expectOneLineError(await run(['lease', 'revoke', '-force', 'auth/leases-ci/']), 1);
    expectOneLineError(await run(['lease', 'lookup', 'auth/leases-ci/login/nope']), 2);
    expectOneLineError(await run(['token', 'revoke', '-mode=path', '-accessor', 'x']), 1);
  });

  it('HUSH_* settings win over VAULT_*, and VAULT_* alone works', async () => {
    const base = { HUSH_ADDR: undefined, HUSH_TOKEN: undefined };
    const vaultOnly = await run(['kv', 'get', '-field=password', 'secret/myapp/production'], {
      env: { ...base, VAULT_ADDR: server.address, VAULT_TOKEN: server.rootToken },
    });
    expect(vaultOnly.stdout).toBe('s3cr3t');
    const hushWins = await run(['kv', 'get', '-field=password', 'secret/myapp/production'], {
      env: { HUSH_ADDR: server.address, HUSH_TOKEN: server.rootToken, VAULT_ADDR: 'http://127.0.0.1:1', VAULT_TOKEN: 'hvs.wrong' },
    });
    expect(hushWins.stdout).toBe('s3cr3t');
    const hushTokenWins = await run(['token', 'lookup'], { env: { HUSH_TOKEN: 'hvs.wrong', VAULT_TOKEN: server.rootToken } });
    expectOneLineError(hushTokenWins, 2);
    const hushAddrWins = await run(['kv', 'get', 'secret/myapp/production'], { env: { HUSH_ADDR: 'http://127.0.0.1:1', VAULT_ADDR: server.address } });
    expectOneLineError(hushAddrWins, 2);
  });

  it('connection refused is one line with exit 2; status exits 1 when it cannot tell', async () => {
    const refused = await run(['kv', 'get', 'secret/x'], { env: { HUSH_ADDR: 'http://127.0.0.1:1' } });
    expectOneLineError(refused, 2);
    expect(refused.stderr).toContain('ECONNREFUSED');
    const status = await run(['status'], { env: { HUSH_ADDR: 'http://127.0.0.1:1' } });
    expectOneLineError(status, 1);
  });

  it('usage errors are one line', async () => {
    expectOneLineError(await run(['kv', 'get', '-bogus', 'secret/x']), 2);
    expectOneLineError(await run(['no-such-command']), 2);
    expectOneLineError(await run(['kv', 'put', 'secret/x']), 1);
  });
});

describe('hush status, operator seal/unseal/rotate on a dev server', () => {
  let server: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hush-cli-home-'));
    server = await startTestServer({ storage: 'sqlite' });
    env = { HUSH_ADDR: server.address, HUSH_TOKEN: server.rootToken };
  });
  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('status exits 0 unsealed and 2 sealed; unseal from an argument and from stdin', async () => {
    const up = await hush(['status'], { env });
    expect(up.code).toBe(0);
    expect(up.stdout).toMatch(/Sealed\s+false/);
    expect(up.stdout).toMatch(/Initialized\s+true/);
    expect(JSON.parse((await hush(['status', '-format=json'], { env })).stdout).sealed).toBe(false);

    const rotated = await hush(['operator', 'rotate'], { env });
    expect(rotated.stdout).toMatch(/Key Term\s+2/);
    expect((await hush(['operator', 'key-status', '-field=term'], { env })).stdout).toBe('2');

    expect((await hush(['operator', 'seal'], { env })).stdout).toContain('Success!');
    const sealed = await hush(['status'], { env });
    expect(sealed.code).toBe(2);
    expect(sealed.stdout).toMatch(/Sealed\s+true/);
    const whileSealed = await hush(['kv', 'get', 'secret/x'], { env });
    expectOneLineError(whileSealed, 2);
    expect(whileSealed.stderr).toContain('503');

    const share = readFileSync(join(server.dataDir, 'dev-unseal-share'), 'utf8').trim();
    const unseal = await hush(['operator', 'unseal', share], { env });
    expect(unseal.code).toBe(0);
    expect(unseal.stdout).toMatch(/Sealed\s+false/);
    expect((await hush(['status'], { env })).code).toBe(0);

    await hush(['operator', 'seal'], { env });
    const fromStdin = await hush(['operator', 'unseal'], { env, input: `${share}\n` });
    expect(fromStdin.code).toBe(0);
    expect((await hush(['status'], { env })).code).toBe(0);
  });
});

describe('hush operator init on a new server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hush-cli-home-'));
    const config: ServerConfig = {
      storage: { type: 'memory' },
      listen: { host: '127.0.0.1', port: 0 },
      maxRequestBytes: 1024 * 1024,
      clusterName: 'hush-cli-init',
    };
    const backend = await openBackend(config);
    server = await serve(config, buildCore(config, backend), backend);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('init prints unseal keys and the root token; unseal with the threshold; login', async () => {
    const env = { HUSH_ADDR: server.address };
    const before = await hush(['status'], { env });
    expect(before.code).toBe(2);
    expect(before.stdout).toMatch(/Initialized\s+false/);
    expect((await hush(['operator', 'init', '-status'], { env })).code).toBe(2);

    const init = await hush(['operator', 'init', '-key-shares=3', '-key-threshold=2'], { env });
    expect(init.code).toBe(0);
    const keys = [...init.stdout.matchAll(/^Unseal Key (\d): (\S+)$/gm)].map((m) => m[2]!);
    expect(keys).toHaveLength(3);
    const root = /^Initial Root Token: (\S+)$/m.exec(init.stdout)?.[1];
    expect(root).toBeTruthy();
    expect(init.stdout).toContain('3 key shares and a key threshold of 2');
    expectOneLineError(await hush(['operator', 'init'], { env }), 2);

    const first = await hush(['operator', 'unseal', keys[0]!], { env });
    expect(first.stdout).toMatch(/Unseal Progress\s+1\/2/);
    expect((await hush(['operator', 'unseal', '-reset'], { env })).stdout).toMatch(/Unseal Progress\s+0\/2/);
    await hush(['operator', 'unseal', keys[0]!], { env });
    const second = await hush(['operator', 'unseal', '-'], { env, input: keys[2] });
    expect(second.stdout).toMatch(/Sealed\s+false/);
    expect((await hush(['status'], { env })).code).toBe(0);

    const tokenFile = join(home, 'tok');
    expect((await hush(['login', root!], { env: { ...env, HUSH_TOKEN_FILE: tokenFile } })).code).toBe(0);
    expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
    expect((await hush(['secrets', 'enable', '-path=secret', 'kv-v2'], { env: { ...env, HUSH_TOKEN_FILE: tokenFile } })).code).toBe(0);

    // Vault's advice: revoke the initial root token; a quorum of key holders makes one when needed
    expect((await hush(['token', 'revoke', '-self'], { env: { ...env, HUSH_TOKEN: root } })).code).toBe(0);
    expectOneLineError(await hush(['token', 'lookup'], { env: { ...env, HUSH_TOKEN: root } }), 2);
    const started = await hush(['operator', 'generate-root', '-init'], { env });
    expect(started.code).toBe(0);
    const otp = /^OTP\s+(\S+)$/m.exec(started.stdout)?.[1] ?? '';
    expect(otp).toHaveLength(43);
    expect(started.stdout).toMatch(/Progress\s+0\/2/);
    expectOneLineError(await hush(['operator', 'generate-root', '-init'], { env }), 2);
    expect((await hush(['operator', 'generate-root', keys[1]!], { env })).stdout).toMatch(/Progress\s+1\/2/);
    const done = await hush(['operator', 'generate-root', '-'], { env, input: `${keys[2]}\n` });
    expect(done.stdout).toMatch(/Complete\s+true/);
    const encoded = /^Encoded Token\s+(\S+)$/m.exec(done.stdout)?.[1] ?? '';
    const decoded = await hush(['operator', 'generate-root', `-decode=${encoded}`, `-otp=${otp}`], { env });
    const newRoot = decoded.stdout.trim();
    expect(newRoot).toMatch(/^hvs\./);
    expect(JSON.parse((await hush(['token', 'lookup', '-format=json'], { env: { ...env, HUSH_TOKEN: newRoot } })).stdout).data.policies).toEqual(['root']);
    expect((await hush(['operator', 'generate-root', '-status', '-format=json'], { env })).stdout).toContain('"started": false');
    expectOneLineError(await hush(['operator', 'generate-root', keys[0]!], { env }), 2);
    expectOneLineError(await hush(['operator', 'generate-root', '-decode=abc'], { env }), 1);

    // rekey: two current holders make 4 new shares with a threshold of 3
    const rekeyStart = await hush(['operator', 'rekey', '-init', '-key-shares=4', '-key-threshold=3'], { env });
    expect(rekeyStart.stdout).toMatch(/New Shares\s+4/);
    expect((await hush(['operator', 'rekey', keys[0]!], { env })).stdout).toMatch(/Rekey Progress\s+1\/2/);
    const rekeyed = await hush(['operator', 'rekey', '-'], { env, input: `${keys[1]}\n` });
    const newKeys = [...rekeyed.stdout.matchAll(/^Key (\d): (\S+)$/gm)].map((m) => m[2]!);
    expect(newKeys).toHaveLength(4);
    expect(rekeyed.stdout).toContain('4 key shares and a key threshold of 3');
    expect((await hush(['operator', 'seal'], { env: { ...env, HUSH_TOKEN: newRoot } })).code).toBe(0);
    for (const key of newKeys.slice(0, 3)) await hush(['operator', 'unseal', key], { env });
    expect((await hush(['status'], { env })).code).toBe(0);
    expectOneLineError(await hush(['operator', 'rekey', keys[0]!], { env }), 2);
  });

  it('init -format=json has vault\'s field names', async () => {
    const config: ServerConfig = { storage: { type: 'memory' }, listen: { host: '127.0.0.1', port: 0 }, maxRequestBytes: 1 << 20, clusterName: 'x' };
    const backend = await openBackend(config);
    const fresh = await serve(config, buildCore(config, backend), backend);
    try {
      const r = await hush(['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json'], { env: { HUSH_ADDR: fresh.address } });
      const body = JSON.parse(r.stdout);
      expect(body.unseal_keys_b64).toHaveLength(1);
      expect(body.unseal_keys_hex).toHaveLength(1);
      expect(body.keys_base64).toEqual(body.unseal_keys_b64);
      expect(body.root_token).toMatch(/\S+/);
      expect(body.unseal_threshold).toBe(1);
    } finally {
      await fresh.close();
    }
  });
});

describe('hush operator with PGP keys (real gpg on the holders\' side)', () => {
  let server: RunningServer;
  let gpg: GnuPgHome;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hush-cli-home-'));
    gpg = new GnuPgHome();
    server = await startUninitialisedServer('pgp-cli');
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    gpg?.remove();
    rmSync(home, { recursive: true, force: true });
  });

  it('init, rekey -backup and generate-root hand out only what each key holder can decrypt', async () => {
    const env = { HUSH_ADDR: server.address };
    const [ann, ben, cat] = ['ann', 'ben', 'cat'].map((name) => gpg.createKey(name)) as [GpgKey, GpgKey, GpgKey];
    // the three forms a key file comes in: binary (gpg --export), armoured, base64 text
    const annFile = join(home, 'ann.gpg');
    writeFileSync(annFile, Buffer.from(ann.publicBase64, 'base64'));
    const benFile = join(home, 'ben.asc');
    writeFileSync(benFile, gpg.exportArmoured(ben));
    const catFile = join(home, 'cat.b64');
    writeFileSync(catFile, `${cat.publicBase64}\n`);

    expectOneLineError(await hush(['operator', 'init', '-key-shares=3', '-key-threshold=2', `-pgp-keys=${annFile},${join(home, 'nope.gpg')},${catFile}`], { env }), 1);
    expectOneLineError(await hush(['operator', 'init', '-key-shares=3', '-key-threshold=2', `-pgp-keys=${annFile},${benFile}`], { env }), 2);
    const init = await hush(['operator', 'init', '-key-shares=3', '-key-threshold=2', `-pgp-keys=${annFile},${benFile},${catFile}`, `-root-token-pgp-key=${annFile}`], { env });
    expect(init.code).toBe(0);
    expect(init.stdout).toContain('encrypted to the PGP keys given');
    const encryptedKeys = [...init.stdout.matchAll(/^Unseal Key (\d): (\S+)$/gm)].map((m) => m[2]!);
    expect(encryptedKeys).toHaveLength(3);
    const keys = encryptedKeys.map((k) => gpg.decryptBase64(k));
    const root = gpg.decryptBase64(/^Initial Root Token: (\S+)$/m.exec(init.stdout)?.[1] ?? '');
    expect(root).toMatch(/^hvs\./);
    await hush(['operator', 'unseal', keys[0]!], { env });
    expect((await hush(['operator', 'unseal', keys[1]!], { env })).stdout).toMatch(/Sealed\s+false/);

    const started = await hush(['operator', 'rekey', '-init', '-key-shares=2', '-key-threshold=2', `-pgp-keys=${benFile},${catFile}`, '-backup'], { env });
    expect(started.stdout).toContain(`${ben.fingerprint}, ${cat.fingerprint}`);
    await hush(['operator', 'rekey', keys[2]!], { env });
    const rekeyed = await hush(['operator', 'rekey', keys[0]!], { env });
    const newKeys = [...rekeyed.stdout.matchAll(/^Key (\d): (\S+)$/gm)].map((m) => gpg.decryptBase64(m[2]!));
    expect(newKeys).toHaveLength(2);
    const backup = JSON.parse((await hush(['operator', 'rekey', '-backup-retrieve'], { env: { ...env, HUSH_TOKEN: root } })).stdout);
    expect(Object.keys(backup.keys_base64)).toEqual([ben.fingerprint, cat.fingerprint]);
    expect(gpg.decryptBase64(backup.keys_base64[cat.fingerprint][0])).toBe(newKeys[1]);
    expect((await hush(['operator', 'rekey', '-backup-delete'], { env: { ...env, HUSH_TOKEN: root } })).code).toBe(0);
    expectOneLineError(await hush(['operator', 'rekey', '-backup-retrieve'], { env: { ...env, HUSH_TOKEN: root } }), 2);

    expectOneLineError(await hush(['operator', 'generate-root', '-init', `-pgp-key=${catFile}`, `-otp=${'x'.repeat(43)}`], { env }), 1);
    const gen = await hush(['operator', 'generate-root', '-init', `-pgp-key=${catFile}`], { env });
    expect(gen.stdout).toMatch(new RegExp(`PGP Fingerprint\\s+${cat.fingerprint}`));
    await hush(['operator', 'generate-root', newKeys[0]!], { env });
    const done = await hush(['operator', 'generate-root', newKeys[1]!], { env });
    const token = gpg.decryptBase64(/^Encoded Token\s+(\S+)$/m.exec(done.stdout)?.[1] ?? '');
    expect(JSON.parse((await hush(['token', 'lookup', '-format=json'], { env: { ...env, HUSH_TOKEN: token } })).stdout).data.policies).toEqual(['root']);
  });
});

describe('hush operator rekey -verify', () => {
  let server: RunningServer;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hush-cli-home-'));
    server = await startUninitialisedServer('rekey-verify-cli');
  });
  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('the new key shares take effect once their holders give them back', async () => {
    const env = { HUSH_ADDR: server.address };
    const init = await hush(['operator', 'init', '-key-shares=1', '-key-threshold=1', '-format=json'], { env });
    const { unseal_keys_b64: [oldKey], root_token: root } = JSON.parse(init.stdout) as { unseal_keys_b64: string[]; root_token: string };
    await hush(['operator', 'unseal', oldKey!], { env });
    expect((await hush(['operator', 'rekey', '-init', '-key-shares=2', '-key-threshold=2', '-verify'], { env })).code).toBe(0);
    const rekeyed = await hush(['operator', 'rekey', oldKey!], { env });
    expect(rekeyed.stdout).toContain('they take effect once 2 of their holders');
    const newKeys = [...rekeyed.stdout.matchAll(/^Key (\d): (\S+)$/gm)].map((m) => m[2]!);
    expect(newKeys).toHaveLength(2);
    expect((await hush(['operator', 'rekey', '-status', '-verify'], { env })).stdout).toMatch(/Verification Progress\s+0\/2/);
    expect((await hush(['operator', 'rekey', '-verify', newKeys[1]!], { env })).stdout).toMatch(/Verification Progress\s+1\/2/);
    const verified = await hush(['operator', 'rekey', '-verify', '-'], { env, input: `${newKeys[0]}\n` });
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain('Rekey verified');
    expect((await hush(['operator', 'seal'], { env: { ...env, HUSH_TOKEN: root } })).code).toBe(0);
    expect((await hush(['operator', 'unseal', oldKey!], { env })).stdout).toMatch(/Unseal Progress\s+1\/2/);
    expectOneLineError(await hush(['operator', 'unseal', newKeys[0]!], { env }), 2); // old and new: no key
    for (const key of newKeys) await hush(['operator', 'unseal', key], { env });
    expect((await hush(['status'], { env })).code).toBe(0);
  });
});

describe('hush over TLS', () => {
  let server: TestServer;
  let caFile: string;
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'hush-cli-home-'));
    const files = await createDevTls(join(home, 'tls'));
    caFile = files.caFile;
    server = await startTestServer({ storage: 'memory', tls: { certFile: files.certFile, keyFile: files.keyFile } });
  });
  afterAll(async () => {
    await server?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('trusts HUSH_CACERT / VAULT_CACERT, honours VAULT_SKIP_VERIFY, and fails in one line otherwise', async () => {
    expect(server.address).toMatch(/^https:/);
    const base = { HUSH_ADDR: server.address, HUSH_TOKEN: server.rootToken };
    expect((await hush(['kv', 'put', 'secret/tls', 'k=v'], { env: { ...base, HUSH_CACERT: caFile } })).code).toBe(0);
    expect((await hush(['kv', 'get', '-field=k', 'secret/tls'], { env: { ...base, VAULT_CACERT: caFile } })).stdout).toBe('v');
    expect((await hush(['kv', 'get', '-field=k', 'secret/tls'], { env: { ...base, VAULT_SKIP_VERIFY: 'true' } })).stdout).toBe('v');
    expectOneLineError(await hush(['kv', 'get', 'secret/tls'], { env: base }), 2);
    expectOneLineError(await hush(['status'], { env: base }), 1);
    // vault's per-command flags win over the environment
    const flags = await hush(['kv', 'get', `-address=${server.address}`, `-ca-cert=${caFile}`, '-field=k', 'secret/tls'], {
      env: { ...base, HUSH_ADDR: 'http://127.0.0.1:1' },
    });
    expect(flags.stdout).toBe('v');
    expect((await hush(['status', '-tls-skip-verify'], { env: base })).code).toBe(0);
  });
});
