/**
 * The OIDC browser login (`role_type: oidc`) on a real server against a local OIDC provider:
 * the test plays the browser, following the authorization URL the server hands out to the
 * provider and bringing back what the provider sends to the redirect URI, as the vault CLI's
 * listener does. The whole flow (code with PKCE, and the implicit flow by form post), and each
 * refusal with its own clear error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, apiFrom, putAsRoot, startTestServer } from '../helpers/test-server.js';
import { MAX_PENDING_PER_ADDRESS } from '../../src/auth/methods/jwt/oidc-pending-logins.js';
import type { TestServer } from '../helpers/test-server.js';
import { startOidcLoginProvider } from '../helpers/oidc-login-provider.js';
import type { OidcLoginProvider } from '../helpers/oidc-login-provider.js';

let s: TestServer;
let provider: OidcLoginProvider;
let root: string;
const REDIRECT = 'http://localhost:8250/oidc/callback';
const DEV_ROLE = {
  role_type: 'oidc',
  user_claim: 'email',
  allowed_redirect_uris: [REDIRECT, 'https://hush.example.com/ui/vault/auth/oidc/oidc/callback'],
  oidc_scopes: ['email', 'groups'],
  bound_claims: { groups: ['developers'] },
  claim_mappings: { name: 'name', email: 'email' },
  token_policies: ['dev-read'],
  token_ttl: '1h',
};
const ALICE = { sub: 'u-1001', claims: { email: 'alice@acme.test', name: 'Alice', groups: ['developers', 'staff'] } };

const put = (path: string, body: unknown) => putAsRoot(s, path, body);

/** Enables an `oidc` mount for `idp`'s client (config over-written by `config`) with the dev role. */
async function mountOidc(mount: string, config: Record<string, unknown> = {}, idp: OidcLoginProvider = provider): Promise<void> {
  await put(`sys/auth/${mount}`, { type: 'oidc' });
  await put(`auth/${mount}/config`, { oidc_discovery_url: idp.url, oidc_client_id: idp.clientId, oidc_client_secret: idp.clientSecret, ...config });
  await put(`auth/${mount}/role/dev`, DEV_ROLE);
}

/** `oidc/auth_url` for a role and redirect URI; the answer. */
const authUrl = (body: Record<string, unknown>, mount = 'oidc') => api(s, 'POST', `auth/${mount}/oidc/auth_url`, { body });

/** The browser: opens the authorization URL and returns what the provider sent back to the
 * redirect URI (from the redirect's query, or from the auto-submitted form). */
async function visit(url: string): Promise<Record<string, string>> {
  const res = await fetch(url, { redirect: 'manual' });
  if (res.status === 302) return Object.fromEntries(new URL(res.headers.get('location')!).searchParams);
  const html = await res.text();
  expect(res.status, html).toBe(200);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/name="([^"]+)" value="([^"]*)"/g)) fields[m[1]!] = m[2]!.replace(/&#(\d+);/g, (_, c: string) => String.fromCharCode(Number(c)));
  return fields;
}

/** The callback as the vault CLI sends it: a GET with the provider's answer in the query. */
function callback(answer: Record<string, string>, extra: Record<string, string> = {}, mount = 'oidc') {
  const query = new URLSearchParams({ ...answer, ...extra });
  return api(s, 'GET', `auth/${mount}/oidc/callback?${query}`);
}

/** Starts a login and returns the provider's answer. */
async function signIn(body: Record<string, unknown> = { role: 'dev', redirect_uri: REDIRECT }, mount = 'oidc'): Promise<Record<string, string>> {
  const res = await authUrl(body, mount);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return visit(res.body.data.auth_url);
}

async function expectRefused(res: { status: number; body: any }, message: RegExp, status = 400): Promise<void> {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0]).toMatch(message);
}

beforeAll(async () => {
  [s, provider] = await Promise.all([startTestServer({ storage: 'memory' }), startOidcLoginProvider()]);
  root = s.rootToken;
  provider.user = ALICE;
  await put('sys/audit/file', { type: 'file', options: { file_path: join(s.dataDir, 'oidc-audit.log') } });
  await mountOidc('oidc', { default_role: 'dev' });
  await put('sys/policies/acl/dev-read', { policy: 'path "secret/data/dev/*" {\n  capabilities = ["read"]\n}\n' });
  await put('secret/data/dev/app', { data: { DATABASE_URL: 'postgres://dev@db/app' } });
  await put('secret/data/prod/app', { data: { DATABASE_URL: 'postgres://prod@db/app' } });
});
afterAll(async () => {
  await s?.close();
  await provider?.close();
});

describe('config and roles', () => {
  it('keeps the client secret to itself and checks the OIDC settings', async () => {
    const config = await api(s, 'GET', 'auth/oidc/config', { token: root });
    expect(config.body.data).toMatchObject({ oidc_client_id: provider.clientId, oidc_response_mode: '', oidc_response_types: [] });
    expect(JSON.stringify(config.body)).not.toContain(provider.clientSecret);
    expect(config.body.data).not.toHaveProperty('oidc_client_secret');

    const write = (body: Record<string, unknown>) => api(s, 'PUT', 'auth/oidc-bad/config', { token: root, body });
    await put('sys/auth/oidc-bad', { type: 'oidc' });
    const pem = await provider.publicPem();
    await expectRefused(await write({ jwt_validation_pubkeys: [pem], oidc_client_id: 'x', oidc_client_secret: 'y' }), /oidc_discovery_url' must be set for OIDC/);
    await expectRefused(await write({ oidc_discovery_url: provider.url, oidc_client_id: 'x' }), /both 'oidc_client_id' and 'oidc_client_secret'/);
    await expectRefused(
      await write({ oidc_discovery_url: provider.url, oidc_client_id: 'x', oidc_client_secret: 'y', oidc_response_types: 'id_token' }),
      /"id_token" requires 'oidc_response_mode' "form_post"/,
    );
    await expectRefused(await write({ oidc_discovery_url: provider.url, oidc_response_mode: 'fragment' }), /invalid oidc_response_mode/);
  });

  it('reads back an oidc role and refuses redirect URIs that are not absolute http(s) URLs', async () => {
    const role = await api(s, 'GET', 'auth/oidc/role/dev', { token: root });
    expect(role.body.data).toMatchObject({ role_type: 'oidc', allowed_redirect_uris: DEV_ROLE.allowed_redirect_uris, oidc_scopes: ['email', 'groups'], max_age: 0 });
    const bad = await api(s, 'PUT', 'auth/oidc/role/bad', { token: root, body: { ...DEV_ROLE, allowed_redirect_uris: ['/relative/callback'] } });
    await expectRefused(bad, /allowed_redirect_uris\[0\] is not an absolute URL/);
    const fragment = await api(s, 'PUT', 'auth/oidc/role/bad', { token: root, body: { ...DEV_ROLE, allowed_redirect_uris: ['http://localhost:8250/cb#x'] } });
    await expectRefused(fragment, /must not have a fragment/);
  });
});

describe('the browser login', () => {
  it('sends the browser to the provider with state, nonce, PKCE and the role\'s scopes', async () => {
    const res = await authUrl({ role: 'dev', redirect_uri: REDIRECT });
    expect(res.status).toBe(200);
    const url = new URL(res.body.data.auth_url);
    expect(`${url.origin}${url.pathname}`).toBe(`${provider.url}/authorize`);
    const q = url.searchParams;
    expect(q.get('client_id')).toBe(provider.clientId);
    expect(q.get('redirect_uri')).toBe(REDIRECT);
    expect(q.get('response_type')).toBe('code');
    expect(q.get('scope')).toBe('openid email groups');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('state')).not.toBe(q.get('nonce'));
    expect(q.has('response_mode')).toBe(false);
  });

  it('logs in: the token reads what the role allows and nothing else, with the claims as metadata', async () => {
    const answer = await signIn();
    expect(Object.keys(answer).sort()).toEqual(['code', 'state']);
    const res = await callback(answer);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const auth = res.body.auth;
    expect(auth.policies).toEqual(['default', 'dev-read']);
    expect(auth.metadata).toEqual({ role: 'dev', name: 'Alice', email: 'alice@acme.test' });
    expect(auth.lease_duration).toBe(3600);
    const token = auth.client_token as string;
    const lookup = await api(s, 'GET', 'auth/token/lookup-self', { token });
    expect(lookup.body.data.display_name).toBe('oidc-alice@acme.test');
    expect((await api(s, 'GET', 'secret/data/dev/app', { token })).body.data.data).toEqual({ DATABASE_URL: 'postgres://dev@db/app' });
    expect((await api(s, 'GET', 'secret/data/prod/app', { token })).status).toBe(403);
    // the client authenticated with its secret and proved the PKCE verifier
    expect(provider.tokenRequests().at(-1)).toEqual({ clientAuth: 'basic', withVerifier: true });
  });

  it('uses the default role, and ignores the port of a loopback redirect URI (RFC 8252)', async () => {
    const answer = await signIn({ redirect_uri: 'http://localhost:49213/oidc/callback' });
    const res = await callback(answer);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.auth.metadata.role).toBe('dev');
  });

  it('keeps codes, states and ID tokens out of the audit log (HMAC\'d)', async () => {
    const answer = await signIn();
    expect((await callback(answer)).status).toBe(200);
    const log = readFileSync(join(s.dataDir, 'oidc-audit.log'), 'utf8');
    expect(log).toContain('oidc/callback');
    expect(log).not.toContain(answer['code']!);
    expect(log).not.toContain(answer['state']!);
    expect(log).not.toContain(provider.clientSecret);
  });

  it('takes the ID token straight from a form post in the implicit flow', async () => {
    await mountOidc('oidc-implicit', { oidc_response_mode: 'form_post', oidc_response_types: ['id_token'] });
    const start = await authUrl({ role: 'dev', redirect_uri: REDIRECT }, 'oidc-implicit');
    const q = new URL(start.body.data.auth_url).searchParams;
    expect([q.get('response_type'), q.get('response_mode'), q.has('code_challenge')]).toEqual(['id_token', 'form_post', false]);
    const answer = await visit(start.body.data.auth_url);
    expect(Object.keys(answer).sort()).toEqual(['id_token', 'state']);
    // the client posts what the browser received, as the Vault UI does
    const res = await api(s, 'POST', 'auth/oidc-implicit/oidc/callback', { body: answer });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.auth.metadata.email).toBe('alice@acme.test');
  });

  it('adds the UserInfo endpoint\'s claims (groups the ID token lacks), but only about the same user', async () => {
    const { groups: _groups, ...withoutGroups } = ALICE.claims;
    provider.user = { sub: ALICE.sub, claims: withoutGroups, userinfo: { groups: ['developers'], name: 'Not Alice' } };
    try {
      const res = await callback(await signIn());
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // the ID token's own claims win over UserInfo's
      expect(res.body.auth.metadata.name).toBe('Alice');
      provider.user = { sub: ALICE.sub, claims: withoutGroups, userinfo: { sub: 'someone-else', groups: ['developers'] } };
      await expectRefused(await callback(await signIn()), /claim "groups" is missing from the token/);
    } finally {
      provider.user = ALICE;
    }
  });

  it.each([
    ['client_secret_post, when the provider takes only that', ['client_secret_post'], 'post'],
    ['client_secret_basic with a secret that needs form-encoding', ['client_secret_basic'], 'basic'],
  ] as const)('sends %s', async (_, authMethods, clientAuth) => {
    const other = await startOidcLoginProvider({ authMethods, clientSecret: 'p@ss:w/rd+%&= ~é' });
    const mount = `oidc-${clientAuth}`;
    try {
      other.user = ALICE;
      await mountOidc(mount, {}, other);
      const answer = await signIn({ role: 'dev', redirect_uri: REDIRECT }, mount);
      const res = await callback(answer, {}, mount);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(other.tokenRequests()).toEqual([{ clientAuth, withVerifier: true }]);
    } finally {
      await other.close();
    }
  });
});

describe('refusals', () => {
  it('refuses redirect URIs the role does not allow, a missing one, unknown roles and JWT roles', async () => {
    await expectRefused(await authUrl({ role: 'dev', redirect_uri: 'http://evil.example/oidc/callback' }), /unauthorized redirect_uri "http:\/\/evil\.example\/oidc\/callback"/);
    await expectRefused(await authUrl({ role: 'dev', redirect_uri: 'http://localhost:8250/other' }), /unauthorized redirect_uri/);
    await expectRefused(await authUrl({ role: 'dev', redirect_uri: 'https://localhost:8250/oidc/callback' }), /unauthorized redirect_uri/);
    await expectRefused(await authUrl({ role: 'dev' }), /missing redirect_uri/);
    await expectRefused(await authUrl({ role: 'nobody', redirect_uri: REDIRECT }), /role "nobody" could not be found/);
    await put('auth/oidc/role/ci', { role_type: 'jwt', user_claim: 'sub', bound_audiences: ['ci'] });
    await expectRefused(await authUrl({ role: 'ci', redirect_uri: REDIRECT }), /role "ci" is not an OIDC role/);
    // and an oidc role cannot be used with a bare JWT at login
    const jwt = await provider.mint({ sub: 'u-1001', aud: provider.clientId, email: 'alice@acme.test', groups: ['developers'] });
    await expectRefused(await api(s, 'POST', 'auth/oidc/login', { body: { role: 'dev', jwt } }), /role "dev" is an OIDC role/);
  });

  it('takes each state once, and only with the client nonce given at the start', async () => {
    const answer = await signIn();
    expect((await callback(answer)).status).toBe(200);
    await expectRefused(await callback(answer), /OIDC login failed: expired or missing OAuth state/);
    await expectRefused(await callback({ code: 'x', state: 'made-up' }), /expired or missing OAuth state/);

    const withNonce = await signIn({ role: 'dev', redirect_uri: REDIRECT, client_nonce: 'cli-nonce-1' });
    await expectRefused(await callback(withNonce, { client_nonce: 'cli-nonce-2' }), /invalid client_nonce/);
    // the refusal used the state up: even the right nonce is too late now
    await expectRefused(await callback(withNonce, { client_nonce: 'cli-nonce-1' }), /expired or missing OAuth state/);
    const again = await signIn({ role: 'dev', redirect_uri: REDIRECT, client_nonce: 'cli-nonce-3' });
    expect((await callback(again, { client_nonce: 'cli-nonce-3' })).status).toBe(200);
  });

  it('reports a provider that refused the user, a forged code and a wrong client secret', async () => {
    provider.refuseNext('access_denied');
    const denied = await signIn();
    expect(denied['error']).toBe('access_denied');
    await expectRefused(await callback(denied), /the provider answered with an error \(access_denied\)/);

    const answer = await signIn();
    await expectRefused(await callback({ ...answer, code: 'forged-code' }), /refused the authorization code \(invalid_grant\)/);

    await mountOidc('oidc-wrong', { oidc_client_secret: 'not-the-secret' });
    const wrong = await signIn({ role: 'dev', redirect_uri: REDIRECT }, 'oidc-wrong');
    const res = await callback(wrong, {}, 'oidc-wrong');
    await expectRefused(res, /refused the authorization code \(invalid_client\)/);
    expect(JSON.stringify(res.body)).not.toContain(wrong['code']!);
  });

  it('refuses an ID token with another nonce, for another client, without a required group, or from a stale sign-in', async () => {
    provider.tamperNext({ nonce: 'replayed-nonce' });
    await expectRefused(await callback(await signIn()), /nonce does not match this login/);

    provider.tamperNext({ aud: 'another-client' });
    await expectRefused(await callback(await signIn()), /not issued to this client \(aud claim\)/);

    provider.tamperNext({ aud: [provider.clientId, 'another-client'], azp: 'another-client' });
    await expectRefused(await callback(await signIn()), /not issued to this client \(azp claim\)/);

    provider.user = { ...ALICE, claims: { ...ALICE.claims, groups: ['marketing'] } };
    try {
      await expectRefused(await callback(await signIn()), /claim "groups" does not match any associated bound claim values/);
    } finally {
      provider.user = ALICE;
    }

    await put('auth/oidc/role/recent', { ...DEV_ROLE, max_age: '5m' });
    const start = await authUrl({ role: 'recent', redirect_uri: REDIRECT });
    expect(new URL(start.body.data.auth_url).searchParams.get('max_age')).toBe('300');
    provider.user = { ...ALICE, authTime: Math.floor(Date.now() / 1000) - 3600 };
    try {
      await expectRefused(await callback(await visit(start.body.data.auth_url)), /older than the role's max_age/);
    } finally {
      provider.user = ALICE;
    }
    expect((await callback(await signIn({ role: 'recent', redirect_uri: REDIRECT }))).status).toBe(200);
  });

  it('answers a clear error on a mount with no OIDC client', async () => {
    await put('sys/auth/jwt-only', { type: 'jwt' });
    await put('auth/jwt-only/config', { oidc_discovery_url: provider.url });
    await expectRefused(await authUrl({ role: 'dev', redirect_uri: REDIRECT }, 'jwt-only'), /OIDC browser login is not configured: set .*oidc_client_id/);
  });

  // last: it leaves 127.0.0.1 without room for new logins for ten minutes
  it('refuses one address more than its share of logins under way (429), not the others', async () => {
    let refused: { status: number; body: any } | undefined;
    for (let i = 0; i <= MAX_PENDING_PER_ADDRESS && !refused; i++) {
      const res = await authUrl({ role: 'dev', redirect_uri: REDIRECT });
      if (res.status !== 200) refused = res;
    }
    await expectRefused(refused!, /too many OIDC logins are under way on this mount \(or from this address\)/, 429);
    const elsewhere = await apiFrom(s, '127.0.0.12', 'POST', 'auth/oidc/oidc/auth_url', { role: 'dev', redirect_uri: REDIRECT });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(200);
  });
});
