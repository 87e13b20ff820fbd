/**
 * `hush login -method=oidc` end to end: the real CLI (`bin/hush.js`) listens for the callback,
 * asks a real server for the authorization URL and prints it (`skip_browser=true`); the test is
 * the browser, opening that URL at a local OIDC provider and following its redirect (or its
 * form post) back to the CLI's listener. The CLI must then store a working token, and fail with
 * one clear line when the provider refuses or nobody may use the redirect URI.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../helpers/free-port.js';
import { startOidcLoginProvider } from '../helpers/oidc-login-provider.js';
import type { OidcLoginProvider } from '../helpers/oidc-login-provider.js';
import { collectOutput } from '../helpers/run-process.js';
import type { ProcessResult } from '../helpers/run-process.js';
import { api, putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

const MAIN = join(resolve(dirname(fileURLToPath(import.meta.url)), '../..'), 'bin/hush.js');

let server: TestServer;
let provider: OidcLoginProvider;
let home: string;

/** Starts `hush login -method=oidc …`; resolves with the URL it printed and its eventual result. */
function startLogin(args: readonly string[]): Promise<{ url: string; done: Promise<ProcessResult> }> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(HUSH|VAULT)_/.test(k) && !k.startsWith('VITEST') && k !== 'NODE_OPTIONS') env[k] = v;
  Object.assign(env, { HOME: home, HUSH_ADDR: server.address, HUSH_TOKEN_FILE: join(home, '.hush-token'), NO_COLOR: '1' });
  const child = spawn(process.execPath, [MAIN, 'login', '-method=oidc', ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const done = collectOutput(child);
  return new Promise((resolveUrl, reject) => {
    let seen = '';
    child.stderr.on('data', (d: Buffer) => {
      seen += d.toString('utf8');
      const url = /^ {4}(\S+)$/m.exec(seen)?.[1];
      if (url && seen.includes('Waiting for OIDC authentication')) resolveUrl({ url, done });
    });
    done.then((r) => reject(new Error(`hush login ended before printing a URL (exit ${r.code}): ${r.stderr}`)), reject);
  });
}

/** The browser: opens `url` and delivers the provider's answer where it points. */
async function browse(url: string): Promise<{ status: number; text: string }> {
  const atProvider = await fetch(url, { redirect: 'manual' });
  if (atProvider.status === 302) {
    const back = await fetch(atProvider.headers.get('location')!);
    return { status: back.status, text: await back.text() };
  }
  const html = await atProvider.text();
  const action = /action="([^"]+)"/.exec(html)![1]!;
  const form = new URLSearchParams();
  for (const m of html.matchAll(/name="([^"]+)" value="([^"]*)"/g)) form.set(m[1]!, m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c))));
  const back = await fetch(action, { method: 'POST', body: form });
  return { status: back.status, text: await back.text() };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'hush-oidc-cli-'));
  [server, provider] = await Promise.all([startTestServer({ storage: 'memory' }), startOidcLoginProvider()]);
  provider.user = { sub: 'u-7', claims: { email: 'bob@acme.test' } };
  const put = (path: string, body: unknown) => putAsRoot(server, path, body);
  await put('sys/policies/acl/dev-read', { policy: 'path "secret/data/dev/*" {\n  capabilities = ["read"]\n}\n' });
  await put('secret/data/dev/app', { data: { API_KEY: 'dev-api-key' } });
  for (const [mount, extra] of [['oidc', {}], ['sso', { oidc_response_mode: 'form_post' }]] as const) {
    await put(`sys/auth/${mount}`, { type: 'oidc' });
    await put(`auth/${mount}/config`, { oidc_discovery_url: provider.url, oidc_client_id: provider.clientId, oidc_client_secret: provider.clientSecret, ...extra });
    await put(`auth/${mount}/role/dev`, {
      role_type: 'oidc',
      user_claim: 'email',
      allowed_redirect_uris: ['http://localhost:8250/oidc/callback'],
      token_policies: ['dev-read'],
    });
  }
});
afterAll(async () => {
  await server?.close();
  await provider?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('hush login -method=oidc', () => {
  it('signs in through the browser and stores a token that reads what the role allows', async () => {
    const port = await freePort();
    const { url, done } = await startLogin(['role=dev', `port=${port}`, 'skip_browser=true']);
    expect(new URL(url).searchParams.get('redirect_uri')).toBe(`http://localhost:${port}/oidc/callback`);
    const page = await browse(url);
    expect(page.status).toBe(200);
    expect(page.text).toContain('You are logged in');
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Success! You are now authenticated.');
    const token = readFileSync(join(home, '.hush-token'), 'utf8').trim();
    const read = await api(server, 'GET', 'secret/data/dev/app', { token });
    expect(read.body.data.data).toEqual({ API_KEY: 'dev-api-key' });
    expect((await api(server, 'GET', 'auth/token/lookup-self', { token })).body.data.meta).toEqual({ role: 'dev' });
  });

  it('takes the answer as a form post (oidc_response_mode=form_post) at another mount path', async () => {
    const port = await freePort();
    const { url, done } = await startLogin(['-path=sso', 'role=dev', `port=${port}`, 'skip_browser=true', '-field=token', '-no-store']);
    expect(new URL(url).searchParams.get('response_mode')).toBe('form_post');
    expect((await browse(url)).status).toBe(200);
    const r = await done;
    expect(r.code, r.stderr).toBe(0);
    expect((await api(server, 'GET', 'secret/data/dev/app', { token: r.stdout.trim() })).status).toBe(200);
  });

  it('fails with one line, and tells the browser, when the provider refuses the user', async () => {
    const port = await freePort();
    provider.refuseNext('access_denied');
    const { url, done } = await startLogin(['role=dev', `port=${port}`, 'skip_browser=true']);
    const page = await browse(url);
    expect(page.status).toBe(400);
    expect(page.text).toContain('access_denied');
    const r = await done;
    expect(r.code).toBe(2);
    const last = r.stderr.trimEnd().split('\n').at(-1)!;
    expect(last).toMatch(/^Error: .*OIDC login failed: the provider answered with an error \(access_denied\)/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails with one line when the role does not allow the callback address', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, HUSH_ADDR: server.address, HUSH_TOKEN_FILE: join(home, '.hush-token') };
    for (const k of Object.keys(env)) if (k.startsWith('VITEST') || k === 'NODE_OPTIONS' || k === 'HUSH_TOKEN' || k === 'VAULT_TOKEN') delete env[k];
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN, 'login', '-method=oidc', 'role=dev', `port=${port}`, 'callbackhost=evil.example', 'skip_browser=true'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const r = await collectOutput(child);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Error: .*unauthorized redirect_uri "http:\/\/evil\.example:\d+\/oidc\/callback"/);
  });
});
