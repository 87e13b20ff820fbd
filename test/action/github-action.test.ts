/**
 * The GitHub Action end to end: the committed bundle (action/dist/main.js, post.js) run by node as
 * a child process with the environment the runner gives a step (INPUT_*, GITHUB_ENV, GITHUB_OUTPUT,
 * GITHUB_STATE, the ID-token request variables), against a real Hush server whose JWT method
 * trusts the test OIDC issuer, and a loopback stand-in for GitHub's ID-token service.
 *
 * The files the action writes are read back with the runner's own parsing rules, and stdout is
 * read as the runner reads workflow commands: every line of every value (and every credential)
 * must be registered as a mask before any other output.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HushClient } from '../../src/client/hush-client.js';
import { createDevTls } from '../../src/http/dev-tls.js';
import { api, putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { startOidcIssuer } from '../helpers/oidc-issuer.js';
import type { OidcIssuer } from '../helpers/oidc-issuer.js';
import { startIdTokenService } from './github-id-token-service.js';
import type { IdTokenService } from './github-id-token-service.js';
import { readRunnerFile, readStdout } from './runner-file-commands.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const MAIN = join(ROOT, 'action', 'dist', 'main.js');
const POST = join(ROOT, 'action', 'dist', 'post.js');

const AUDIENCE = 'https://hush.test';
const DEPLOY_KEY = 'dk_live_8f3a91c2e7b44d0a';
// `%0A` and `%25` must survive the mask's escaping; CRLF must survive GITHUB_ENV unchanged
const ODD_VALUE = '100%25 sure %0A not a break\r\nsecond line\r\n';
const PEM = [
  '-----BEGIN PRIVATE KEY-----',
  'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj',
  'MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu',
  '+7Y4Qx2eBcdT7pL1Xr9Z',
  '-----END PRIVATE KEY-----',
  '',
].join('\n');
const NPM_TOKEN = 'npm_Zq81kP0sX3vLw9Tn';

let server: TestServer;
let issuer: OidcIssuer;
let idTokens: IdTokenService;
let roleId: string;
let secretId: string;

interface StepResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A fresh step: empty command files in a temp dir, as the runner prepares them. */
interface Step {
  readonly dir: string;
  readonly files: { readonly GITHUB_ENV: string; readonly GITHUB_OUTPUT: string; readonly GITHUB_STATE: string };
}

const steps: Step[] = [];

function newStep(): Step {
  const dir = mkdtempSync(join(tmpdir(), 'hush-action-step-'));
  const files = { GITHUB_ENV: join(dir, 'set_env'), GITHUB_OUTPUT: join(dir, 'set_output'), GITHUB_STATE: join(dir, 'save_state') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const step = { dir, files };
  steps.push(step);
  return step;
}

/** The runner passes every input, defaults included, as INPUT_<NAME> (hyphens kept). */
function inputs(values: Record<string, string>): Record<string, string> {
  const defaults = { method: 'jwt', 'tls-skip-verify': 'false', 'export-env': 'true', 'export-token': 'false' };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...defaults, ...values })) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

/** Runs `script` with node as the runner would, asynchronously (the server answers in this process). */
function runNode(script: string, step: Step, env: Record<string, string>): Promise<StepResult> {
  const child = spawn(process.execPath, [script], {
    cwd: step.dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: step.dir,
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_REF: 'refs/heads/main',
      GITHUB_WORKSPACE: step.dir,
      RUNNER_TEMP: step.dir,
      ...step.files,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The main step of a job whose ID-token bearer is `bearer`. */
function runMain(step: Step, values: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<StepResult> {
  return runNode(MAIN, step, {
    ACTIONS_ID_TOKEN_REQUEST_URL: idTokens.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'job-main',
    ...inputs({ url: server.address, ...values }),
    ...extraEnv,
  });
}

/** The post step: the same inputs, and `STATE_<name>` for each entry the main step saved. */
function runPost(step: Step, values: Record<string, string>): Promise<StepResult> {
  const state: Record<string, string> = {};
  for (const [name, value] of readRunnerFile(step.files.GITHUB_STATE)) state[`STATE_${name}`] = value;
  return runNode(POST, step, { ...inputs({ url: server.address, ...values }), ...state });
}

/** Asserts the runner sees a mask for every non-blank line of each value before any other output,
 * and that no other line shows them. */
function expectMaskedFirst(stdout: string, values: readonly string[]): void {
  const lines = readStdout(stdout);
  const masks = new Set(lines.filter((l) => l.command?.name === 'add-mask').map((l) => l.command!.data));
  const secretLines = values.flatMap((v) => v.split(/\r\n|\r|\n/)).filter((l) => l.trim() !== '');
  for (const line of secretLines) expect(masks.has(line), `mask for a line of ${secretLines.indexOf(line)}`).toBe(true);
  const firstOther = lines.findIndex((l) => l.command?.name !== 'add-mask');
  const lastMask = lines.findLastIndex((l) => l.command?.name === 'add-mask');
  if (firstOther >= 0) expect(firstOther).toBeGreaterThan(lastMask);
  // (short values such as "3" would match a port number by chance)
  const leakable = secretLines.filter((l) => l.length >= 8);
  for (const l of lines.filter((x) => x.command?.name !== 'add-mask')) {
    for (const secret of leakable) expect(l.line).not.toContain(secret);
  }
}

async function lookupSelf(token: string): Promise<number> {
  return (await api(server, 'GET', 'auth/token/lookup-self', { token })).status;
}

beforeAll(async () => {
  [server, issuer] = await Promise.all([startTestServer({ storage: 'memory' }), startOidcIssuer()]);
  idTokens = await startIdTokenService(issuer);
  idTokens.addJob('job-main');
  idTokens.addJob('job-feature', { ref: 'refs/heads/feature-x' });
  const root = server.rootToken;
  const put = (path: string, body: unknown) => putAsRoot(server, path, body);
  await put('sys/auth/jwt', { type: 'jwt' });
  await put('auth/jwt/config', { oidc_discovery_url: issuer.url, bound_issuer: issuer.url });
  await put('sys/policies/acl/shop-ci', { policy: 'path "secret/data/shop/*" {\n  capabilities = ["read"]\n}\n' });
  await put('auth/jwt/role/shop-deploy', {
    role_type: 'jwt',
    user_claim: 'actor',
    bound_audiences: [AUDIENCE],
    bound_claims_type: 'glob',
    bound_claims: { sub: 'repo:acme/shop:ref:refs/heads/*', ref: ['refs/heads/main'] },
    token_policies: ['shop-ci'],
    token_ttl: '10m',
  });
  await put('secret/data/shop/ci', { data: { DEPLOY_KEY, 'odd.value': ODD_VALUE, retries: 3 } });
  await put('secret/data/shop/tls', { data: { key: PEM } });
  await put('secret/data/shop/npm', { data: { npmToken: NPM_TOKEN } });
  await put('secret/data/other/db', { data: { password: 'not-for-shop' } });

  await put('sys/auth/approle', { type: 'approle' });
  await put('auth/approle/role/shop-ci', { token_policies: ['shop-ci'], token_ttl: '10m' });
  roleId = (await api(server, 'GET', 'auth/approle/role/shop-ci/role-id', { token: root })).body.data.role_id;
  secretId = (await put('auth/approle/role/shop-ci/secret-id', {})).body.data.secret_id;
});

afterAll(async () => {
  await idTokens?.close();
  await server?.close();
  await issuer?.close();
  for (const step of steps) rmSync(step.dir, { recursive: true, force: true });
});

describe('the GitHub Action (node action/dist/main.js, post.js)', () => {
  it('logs in with the job OIDC token, exports masked secrets to GITHUB_ENV and GITHUB_OUTPUT, and the post step revokes the token', async () => {
    const step = newStep();
    const secrets = [
      'secret/data/shop/ci DEPLOY_KEY ;',
      'secret/data/shop/ci odd.value | ODD_VALUE ;',
      'secret/data/shop/ci retries',
      'hush://secret/shop/tls#key | TLS_KEY',
      '# a comment line',
      'secret/data/shop/npm npmToken',
    ].join('\n');
    const audiencesBefore = idTokens.audiences.length;
    const main = await runMain(step, { role: 'shop-deploy', 'jwt-audience': AUDIENCE, secrets });
    expect(main.stderr).toBe('');
    expect(main.code, main.stdout).toBe(0);
    expect(idTokens.audiences.slice(audiencesBefore)).toEqual([AUDIENCE]);

    const expected = { DEPLOY_KEY, ODD_VALUE, RETRIES: '3', TLS_KEY: PEM, NPMTOKEN: NPM_TOKEN };
    expect(Object.fromEntries(readRunnerFile(step.files.GITHUB_ENV))).toEqual(expected);
    // outputs keep the key's case, as vault-action's do
    expect(Object.fromEntries(readRunnerFile(step.files.GITHUB_OUTPUT))).toEqual({
      DEPLOY_KEY,
      ODD_VALUE,
      retries: '3',
      TLS_KEY: PEM,
      npmToken: NPM_TOKEN,
    });

    const state = readRunnerFile(step.files.GITHUB_STATE);
    expect([...state.keys()]).toEqual(['token']);
    const token = state.get('token')!;
    expect(token).toMatch(/^hvs\./);
    expect(await lookupSelf(token)).toBe(200);

    expectMaskedFirst(main.stdout, [token, ...Object.values(expected)]);
    // the job's ID token is masked too (it is a bearer credential until it expires)
    const masks = readStdout(main.stdout).filter((l) => l.command?.name === 'add-mask');
    expect(masks.some((m) => m.command!.data.split('.').length === 3 && m.command!.data.startsWith('eyJ'))).toBe(true);
    expect(readStdout(main.stdout).at(-1)!.line).toMatch(/5 secrets exported: DEPLOY_KEY, ODD_VALUE, RETRIES, TLS_KEY, NPMTOKEN/);

    const post = await runPost(step, { role: 'shop-deploy', 'jwt-audience': AUDIENCE, secrets });
    expect(post.stderr).toBe('');
    expect(post.code, post.stdout).toBe(0);
    expect(post.stdout).toContain('Revoked the Hush token.');
    expect(await lookupSelf(token)).toBe(403);
  });

  it('refuses a job on another branch: one ::error:: line, exit 1, nothing exported', async () => {
    const step = newStep();
    const res = await runMain(
      step,
      { role: 'shop-deploy', 'jwt-audience': AUDIENCE, secrets: 'secret/data/shop/ci DEPLOY_KEY' },
      { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'job-feature' },
    );
    expect(res.code).toBe(1);
    const errors = readStdout(res.stdout).filter((l) => l.command?.name === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.command!.data).toMatch(/login with jwt at auth\/jwt was refused: .*claim "ref" does not match/);
    expect(errors[0]!.command!.data).toMatch(/check that role "shop-deploy" exists on auth\/jwt and binds this repository, branch and audience/);
    for (const f of Object.values(step.files)) expect(readFileSync(f, 'utf8')).toBe('');
    expect(res.stdout).not.toContain(DEPLOY_KEY);
    // nothing to revoke afterwards
    const post = await runPost(step, {});
    expect(post.code).toBe(0);
    expect(post.stdout).toContain('No Hush token to revoke.');
  });

  it('says what to do when the job may not request an ID token, or GitHub refuses one', async () => {
    const values = { role: 'shop-deploy', secrets: 'secret/data/shop/ci DEPLOY_KEY' };
    const noPermission = await runMain(newStep(), values, { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' });
    expect(noPermission.code).toBe(1);
    expect(noPermission.stdout).toBe(
      '::error::this job cannot request an OIDC token: add "permissions: id-token: write" to the workflow or job, or log in with method approle or token\n',
    );
    const badBearer = await runMain(newStep(), values, { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'job-unknown' });
    expect(badBearer.code).toBe(1);
    expect(badBearer.stdout).toBe('::error::GitHub refused to issue an ID token (HTTP 401): check "permissions: id-token: write"\n');
  });

  it('uses a token given with method token as it is and never revokes it; export-env: false sets outputs only', async () => {
    const created = await api(server, 'POST', 'auth/token/create', { token: server.rootToken, body: { policies: ['shop-ci'], ttl: '10m' } });
    const token = created.body.auth.client_token as string;
    const step = newStep();
    const values = { method: 'token', token, secrets: 'hush://secret/shop/ci#DEPLOY_KEY', 'export-env': 'false' };
    const main = await runMain(step, values, { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' });
    expect(main.code, main.stdout).toBe(0);
    expect(readFileSync(step.files.GITHUB_ENV, 'utf8')).toBe('');
    expect(Object.fromEntries(readRunnerFile(step.files.GITHUB_OUTPUT))).toEqual({ DEPLOY_KEY });
    expectMaskedFirst(main.stdout, [token, DEPLOY_KEY]);
    expect(readFileSync(step.files.GITHUB_STATE, 'utf8')).toBe('');
    const post = await runPost(step, values);
    expect(post.stdout).toBe('No Hush token to revoke.\n');
    expect(await lookupSelf(token)).toBe(200);
  });

  it('logs in with AppRole inputs, exports a whole secret with a prefix and the token, and revokes it', async () => {
    const step = newStep();
    const values = {
      method: 'approle',
      'role-id': roleId,
      'secret-id': secretId,
      secrets: 'secret/data/shop/ci * | SHOP_ ; hush://secret/shop/npm#npmToken | NPM_TOKEN',
      'export-token': 'true',
    };
    const main = await runMain(step, values, { ACTIONS_ID_TOKEN_REQUEST_URL: '', ACTIONS_ID_TOKEN_REQUEST_TOKEN: '' });
    expect(main.stderr).toBe('');
    expect(main.code, main.stdout).toBe(0);
    const token = readRunnerFile(step.files.GITHUB_STATE).get('token')!;
    expect(Object.fromEntries(readRunnerFile(step.files.GITHUB_ENV))).toEqual({
      SHOP_DEPLOY_KEY: DEPLOY_KEY,
      SHOP_ODD__VALUE: ODD_VALUE,
      SHOP_RETRIES: '3',
      NPM_TOKEN,
      HUSH_ADDR: server.address,
      VAULT_ADDR: server.address,
      HUSH_TOKEN: token,
      VAULT_TOKEN: token,
    });
    expectMaskedFirst(main.stdout, [token, secretId, DEPLOY_KEY, ODD_VALUE, NPM_TOKEN]);
    const self = await api(server, 'GET', 'auth/token/lookup-self', { token });
    expect(self.body.data.meta).toMatchObject({ role_name: 'shop-ci' });

    const post = await runPost(step, values);
    expect(post.code, post.stdout).toBe(0);
    expect(await lookupSelf(token)).toBe(403);
  });

  it('fails clearly on a missing key or secret, exports nothing, and still leaves the token for the post step', async () => {
    for (const [secrets, message] of [
      ['secret/data/shop/ci DEPLOY_KEY ; secret/data/shop/ci NOPE | X', 'secret secret/data/shop/ci has no key "NOPE"'],
      ['hush://secret/shop/missing#K', 'secret hush://secret/shop/missing not found'],
      ['secret/data/other/db password', `permission denied reading secret/data/other/db: the token's policies must allow "read" on it`],
    ] as const) {
      const step = newStep();
      const res = await runMain(step, { role: 'shop-deploy', 'jwt-audience': AUDIENCE, secrets });
      expect(res.code).toBe(1);
      const errors = readStdout(res.stdout).filter((l) => l.command?.name === 'error');
      expect(errors.map((e) => e.command!.data)).toEqual([message]);
      expect(res.stdout).not.toContain(DEPLOY_KEY);
      expect(readFileSync(step.files.GITHUB_ENV, 'utf8')).toBe('');
      expect(readFileSync(step.files.GITHUB_OUTPUT, 'utf8')).toBe('');
      const token = readRunnerFile(step.files.GITHUB_STATE).get('token')!;
      expect(await lookupSelf(token)).toBe(200);
      expect((await runPost(step, {})).code).toBe(0);
      expect(await lookupSelf(token)).toBe(403);
    }
  });

  it('post step: a token already revoked is a warning, a server it cannot reach an error', async () => {
    const step = newStep();
    const values = { role: 'shop-deploy', 'jwt-audience': AUDIENCE, secrets: 'secret/data/shop/ci DEPLOY_KEY' };
    expect((await runMain(step, values)).code).toBe(0);
    expect((await runPost(step, values)).code).toBe(0);
    const again = await runPost(step, values);
    expect(again.code).toBe(0);
    expect(readStdout(again.stdout).map((l) => l.command?.name ?? l.line)).toEqual(['add-mask', 'warning']);
    expect(again.stdout).toContain('::warning::the Hush token had already expired or been revoked');

    const unreachable = await runPost(step, { ...values, url: 'http://127.0.0.1:9' });
    expect(unreachable.code).toBe(1);
    const errors = readStdout(unreachable.stdout).filter((l) => l.command?.name === 'error');
    expect(errors.map((e) => e.command!.data)).toEqual([
      expect.stringMatching(/^revoking the Hush token failed \(it expires at its TTL\): cannot reach http:\/\/127\.0\.0\.1:9: /),
    ]);
  });

  it('refuses a malformed secrets entry before logging in', async () => {
    const step = newStep();
    const before = idTokens.audiences.length;
    const res = await runMain(step, { role: 'shop-deploy', secrets: 'secret/data/shop/ci' });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^::error::secrets entry "secret\/data\/shop\/ci": expected "API_PATH KEY \| NAME"/);
    expect(idTokens.audiences.length).toBe(before);
    expect(readFileSync(step.files.GITHUB_STATE, 'utf8')).toBe('');
  });

  it('refuses to log in where the post step could not find the token (no GITHUB_STATE)', async () => {
    const before = idTokens.audiences.length;
    const res = await runMain(newStep(), { role: 'shop-deploy', secrets: 'secret/data/shop/ci DEPLOY_KEY' }, { GITHUB_STATE: '' });
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('::error::GITHUB_STATE is not set: run this action in a GitHub Actions job (runner 2.297 or newer)\n');
    expect(idTokens.audiences.length).toBe(before);
  });
});

describe('the GitHub Action against a server with a private CA', () => {
  let tlsServer: TestServer;
  let caPem: string;

  beforeAll(async () => {
    const dir = newStep().dir;
    const tls = await createDevTls(dir);
    caPem = readFileSync(tls.caFile, 'utf8');
    tlsServer = await startTestServer({ storage: 'memory', dataDir: dir, tls: { certFile: tls.certFile, keyFile: tls.keyFile } });
    const client = new HushClient({ address: tlsServer.address, token: tlsServer.rootToken, caCertFile: tls.caFile });
    await client.write('secret/data/shop/ci', { data: { DEPLOY_KEY } });
    client.close();
  });
  afterAll(async () => tlsServer?.close());

  it('trusts the CA given as base64 of PEM (vault-action\'s format), and refuses the server without it', async () => {
    const values = { url: tlsServer.address, method: 'token', token: tlsServer.rootToken, secrets: 'secret/data/shop/ci DEPLOY_KEY' };
    const withCa = newStep();
    const ok = await runMain(withCa, { ...values, 'ca-certificate': Buffer.from(caPem).toString('base64') });
    expect(ok.code, ok.stdout).toBe(0);
    expect(readRunnerFile(withCa.files.GITHUB_ENV).get('DEPLOY_KEY')).toBe(DEPLOY_KEY);
    // the CA went to a temporary file under RUNNER_TEMP, removed when the step ends
    expect(readdirSync(withCa.dir).filter((name) => name.startsWith('hush-action-'))).toEqual([]);

    const withoutCa = newStep();
    const refused = await runMain(withoutCa, values);
    expect(refused.code).toBe(1);
    expect(readStdout(refused.stdout).filter((l) => l.command?.name === 'error').map((l) => l.command!.data)).toEqual([
      expect.stringMatching(/^reading secret\/data\/shop\/ci failed: cannot reach https:\/\/127\.0\.0\.1:\d+: .*certificate/),
    ]);
    expect(readFileSync(withoutCa.files.GITHUB_ENV, 'utf8')).toBe('');
  });
});
