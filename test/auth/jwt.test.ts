/**
 * The JWT auth method on a real server, against a local OIDC issuer minting GitHub Actions- and
 * GitLab CI-shaped tokens: logins exactly as hashicorp/vault-action sends them, each rejection with
 * its own clear error, key rotation, and the GitLab recipe.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevTls } from '../../src/http/dev-tls.js';
import { api, apiFrom, putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { githubClaims, gitlabClaims, startOidcIssuer } from '../helpers/oidc-issuer.js';
import type { OidcIssuer } from '../helpers/oidc-issuer.js';

let s: TestServer;
let issuer: OidcIssuer;
let root: string;
const accessors: string[] = [];

const SHOP_POLICY = 'path "secret/data/shop/ci" {\n  capabilities = ["read"]\n}\n';
const GITHUB_ROLE = {
  role_type: 'jwt',
  user_claim: 'actor',
  bound_audiences: ['https://github.com/acme'],
  bound_claims_type: 'glob',
  bound_claims: { sub: 'repo:acme/shop:ref:refs/heads/*', ref: ['refs/heads/main', 'refs/heads/release-*'] },
  claim_mappings: { repository: 'repository', ref: 'ref', sha: 'sha', workflow: 'workflow' },
  token_policies: ['shop-ci'],
  token_ttl: '10m',
  token_max_ttl: '1h',
};

/** POST auth/<mount>/login with the body hashicorp/vault-action sends. */
const login = (jwt: string, role: string | null = 'shop-main', mount = 'jwt') =>
  api(s, 'POST', `auth/${mount}/login`, { body: role === null ? { jwt } : { jwt, role } });

function resetLockout(): void {
  const addresses = ['127.0.0.1', '::ffff:127.0.0.1'];
  for (const accessor of accessors) {
    for (const role of ['shop-main', 'gitlab-deploy', 'no-aud', 'shop-prod', 'rot']) {
      for (const address of addresses) while (s.core.lockout().unlock(accessor, `${role} from ${address}`));
    }
    for (const address of addresses) while (s.core.lockout().unlock(accessor, address));
  }
}

/** A rejected login: 400 with one clear message, and never the token in the answer. */
async function expectRejected(jwt: string, message: RegExp, role: string | null = 'shop-main', mount = 'jwt'): Promise<void> {
  const res = await login(jwt, role, mount);
  expect(res.status).toBe(400);
  expect(res.body.errors).toHaveLength(1);
  expect(res.body.errors[0]).toMatch(message);
  expect(JSON.stringify(res.body)).not.toContain(jwt.split('.')[1]!);
}

beforeAll(async () => {
  [s, issuer] = await Promise.all([startTestServer({ storage: 'memory' }), startOidcIssuer()]);
  root = s.rootToken;
  const put = (path: string, body: unknown) => putAsRoot(s, path, body);
  await put('sys/auth/jwt', { type: 'jwt' });
  await put('auth/jwt/config', { oidc_discovery_url: issuer.url, bound_issuer: issuer.url });
  await put('sys/policies/acl/shop-ci', { policy: SHOP_POLICY });
  await put('secret/data/shop/ci', { data: { DEPLOY_KEY: 'shop-deploy-key' } });
  await put('secret/data/billing/prod', { data: { STRIPE_KEY: 'sk_live_billing' } });
  await put('auth/jwt/role/shop-main', GITHUB_ROLE);
  const mounts = await api(s, 'GET', 'sys/auth', { token: root });
  accessors.push(mounts.body.data['jwt/'].accessor);
});
afterAll(async () => {
  await s?.close();
  await issuer?.close();
});
afterEach(resetLockout);

describe('config and roles', () => {
  it('reads back the config and the role with Vault field names', async () => {
    const config = await api(s, 'GET', 'auth/jwt/config', { token: root });
    expect(config.status).toBe(200);
    expect(config.body.data).toMatchObject({ oidc_discovery_url: issuer.url, bound_issuer: issuer.url, jwks_url: '' });
    const role = await api(s, 'GET', 'auth/jwt/role/shop-main', { token: root });
    expect(role.body.data).toMatchObject({
      role_type: 'jwt',
      user_claim: 'actor',
      bound_audiences: ['https://github.com/acme'],
      bound_claims_type: 'glob',
      bound_claims: GITHUB_ROLE.bound_claims,
      token_policies: ['shop-ci'],
      token_ttl: 600,
      token_max_ttl: 3600,
      clock_skew_leeway: 0,
    });
    const list = await api(s, 'LIST', 'auth/jwt/role', { token: root }).catch(() => undefined);
    const listed = list?.status === 200 ? list : await api(s, 'GET', 'auth/jwt/role?list=true', { token: root });
    expect(listed.body.data.keys).toContain('shop-main');
  });

  it('refuses a role without a bound constraint, without user_claim, or of role_type oidc without a redirect URI', async () => {
    const write = (body: unknown) => api(s, 'PUT', 'auth/jwt/role/bad', { token: root, body });
    const unbound = await write({ role_type: 'jwt', user_claim: 'sub', token_policies: ['shop-ci'] });
    expect(unbound.status).toBe(400);
    expect(unbound.body.errors[0]).toMatch(/at least one bound constraint/);
    const noUser = await write({ role_type: 'jwt', bound_audiences: ['x'] });
    expect(noUser.status).toBe(400);
    expect(noUser.body.errors[0]).toMatch(/user claim must be defined/);
    const oidc = await write({ role_type: 'oidc', user_claim: 'sub', bound_audiences: ['x'] });
    expect(oidc.status).toBe(400);
    expect(oidc.body.errors[0]).toMatch(/allowed_redirect_uris' must contain at least one URI/);
    const badType = await write({ user_claim: 'sub', bound_claims: { sub: 'a' }, bound_claims_type: 'regex' });
    expect(badType.status).toBe(400);
    expect((await api(s, 'GET', 'auth/jwt/role/bad', { token: root })).status).toBe(404);
  });

  it('refuses a config it cannot fetch, or with two key sources, or an HMAC algorithm', async () => {
    const write = (body: unknown) => api(s, 'PUT', 'auth/jwt/config', { token: root, body });
    const unreachable = await write({ jwks_url: 'http://127.0.0.1:9/jwks' });
    expect(unreachable.status).toBe(400);
    expect(unreachable.body.errors[0]).toMatch(/error checking jwks_url/);
    const both = await write({ jwks_url: issuer.jwksUrl, jwt_validation_pubkeys: [await issuer.publicPem()] });
    expect(both.body.errors[0]).toMatch(/exactly one of/);
    const hmac = await write({ jwks_url: issuer.jwksUrl, jwt_supported_algs: ['HS256'] });
    expect(hmac.body.errors[0]).toMatch(/HS256.*not supported/);
    // the previous, valid config is untouched
    const config = await api(s, 'GET', 'auth/jwt/config', { token: root });
    expect(config.body.data.oidc_discovery_url).toBe(issuer.url);
  });
});

describe('GitHub Actions login (as hashicorp/vault-action sends it)', () => {
  it('logs in with {jwt, role} and gets a token that reads its secret and is refused another', async () => {
    const jwt = await issuer.mint(githubClaims());
    const res = await login(jwt);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const auth = res.body.auth;
    expect(auth.client_token).toMatch(/^hvs\./);
    expect(auth.policies).toEqual(['default', 'shop-ci']);
    expect(auth.token_policies).toEqual(['default', 'shop-ci']);
    expect(auth.lease_duration).toBe(600);
    expect(auth.renewable).toBe(true);
    expect(auth.metadata).toEqual({
      role: 'shop-main',
      repository: 'acme/shop',
      ref: 'refs/heads/main',
      sha: 'd6b1a7c3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9',
      workflow: 'deploy',
    });
    const token = auth.client_token as string;
    const ok = await api(s, 'GET', 'secret/data/shop/ci', { token });
    expect(ok.status).toBe(200);
    expect(ok.body.data.data).toEqual({ DEPLOY_KEY: 'shop-deploy-key' });
    expect((await api(s, 'GET', 'secret/data/billing/prod', { token })).status).toBe(403);
    const self = await api(s, 'GET', 'auth/token/lookup-self', { token });
    expect(self.body.data.display_name).toBe('jwt-octocat');
    expect(self.body.data.path).toBe('auth/jwt/login');
  });

  it('accepts a release branch (glob) and an ES256 token from the same JWKS', async () => {
    expect((await login(await issuer.mint(githubClaims({ ref: 'refs/heads/release-2.4' })))).status).toBe(200);
    expect((await login(await issuer.mint(githubClaims(), { key: issuer.ec }))).status).toBe(200);
  });

  it('refuses a token for another branch', async () => {
    await expectRejected(await issuer.mint(githubClaims({ ref: 'refs/heads/feature-x' })), /claim "ref" does not match any associated bound claim values/);
  });

  it('refuses a token for another repository', async () => {
    const jwt = await issuer.mint(githubClaims({ repository: 'acme/billing' }));
    await expectRejected(jwt, /claim "sub" does not match any associated bound claim values/);
  });

  it('refuses a token from a tag or a pull request even of the right repository', async () => {
    await expectRejected(await issuer.mint(githubClaims({ sub: 'repo:acme/shop:ref:refs/tags/v1.0.0' })), /claim "sub" does not match/);
    await expectRejected(await issuer.mint(githubClaims({ sub: 'repo:acme/shop:pull_request' })), /claim "sub" does not match/);
  });

  it('refuses the wrong audience', async () => {
    await expectRejected(await issuer.mint(githubClaims({ aud: 'sigstore' })), /audience \(aud claim\) does not match any of the role's bound_audiences/);
  });

  it('refuses a token with an audience when the role binds none', async () => {
    const role = { ...GITHUB_ROLE, bound_audiences: [] };
    expect((await api(s, 'PUT', 'auth/jwt/role/no-aud', { token: root, body: role })).status).toBe(204);
    await expectRejected(await issuer.mint(githubClaims()), /has an audience \(aud claim\) but the role has no bound_audiences/, 'no-aud');
  });

  it('refuses an expired token', async () => {
    await expectRejected(await issuer.mint(githubClaims(), { expiresIn: -600 }), /token is expired \(exp claim\)/);
  });

  it('accepts a token expired within the leeway, and refuses it with leeways disabled', async () => {
    const jwt = await issuer.mint(githubClaims(), { expiresIn: -30 });
    expect((await login(jwt)).status).toBe(200);
    const strict = { ...GITHUB_ROLE, clock_skew_leeway: -1, expiration_leeway: -1 };
    expect((await api(s, 'PUT', 'auth/jwt/role/no-aud', { token: root, body: strict })).status).toBe(204);
    await expectRejected(jwt, /token is expired/, 'no-aud');
  });

  it('refuses a token that is not valid yet', async () => {
    await expectRejected(await issuer.mint(githubClaims(), { notBefore: 900, expiresIn: 1200 }), /token is not valid yet \(nbf claim\)/);
  });

  it('refuses a token issued in the future', async () => {
    await expectRejected(await issuer.mint(githubClaims(), { issuedAt: 900, notBefore: -10 }), /issued in the future \(iat claim\)/);
  });

  it('refuses a bad signature', async () => {
    const forger = await issuer.unpublishedKey(issuer.rsa.kid); // same kid, other key
    await expectRejected(await issuer.mint(githubClaims(), { key: forger }), /signature verification failed/);
    // a tampered payload with a real signature
    const [h, , sig] = (await issuer.mint(githubClaims())).split('.');
    const forged = Buffer.from(JSON.stringify(githubClaims({ repository: 'acme/billing' }))).toString('base64url');
    await expectRejected(`${h}.${forged}.${sig}`, /signature verification failed/);
  });

  it('refuses a token signed by an unknown key (kid not in the JWKS)', async () => {
    const stranger = await issuer.unpublishedKey('kid-from-elsewhere');
    await expectRejected(await issuer.mint(githubClaims(), { key: stranger }), /unknown signing key: key ID "kid-from-elsewhere" is not in the issuer's JWKS/);
  });

  it('refuses alg none', async () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const unsigned = `${enc({ alg: 'none', typ: 'JWT' })}.${enc(githubClaims({ iss: issuer.url, exp: now + 300, iat: now }))}.`;
    await expectRejected(unsigned, /unsigned tokens \(alg "none"\) are not accepted/);
  });

  it('refuses HMAC tokens (e.g. signed with the public key as secret)', async () => {
    const secret = new TextEncoder().encode(await issuer.publicPem());
    const now = Math.floor(Date.now() / 1000);
    const hs = await new SignJWT(githubClaims({ iss: issuer.url, exp: now + 300, iat: now }))
      .setProtectedHeader({ alg: 'HS256', kid: issuer.rsa.kid })
      .sign(secret);
    await expectRejected(hs, /HMAC algorithm HS256 is not accepted/);
  });

  it('refuses a token without the user claim', async () => {
    const claims = githubClaims();
    delete claims.actor;
    await expectRejected(await issuer.mint(claims), /claim "actor" \(the role's user_claim\) was not found in the token/);
  });

  it('refuses a token from another issuer (bound_issuer)', async () => {
    await expectRejected(await issuer.mint(githubClaims({ iss: 'https://token.actions.githubusercontent.com' })), /issuer \(iss claim\) does not match/);
  });

  it('refuses a malformed token, a missing role and an unknown role', async () => {
    await expectRejected('not-a-jwt', /malformed token/);
    const jwt = await issuer.mint(githubClaims());
    const noRole = await login(jwt, null);
    expect(noRole.status).toBe(400);
    expect(noRole.body.errors[0]).toMatch(/missing role/);
    await expectRejected(jwt, /role "nope" could not be found/, 'nope');
  });

  it('locks the role out for the failing address after repeated failures (429), then an operator can unlock', async () => {
    const bad = await issuer.mint(githubClaims({ aud: 'sigstore' }));
    for (let i = 0; i < 5; i++) expect((await login(bad)).status).toBe(400);
    const locked = await login(await issuer.mint(githubClaims()));
    expect(locked.status).toBe(429);
    // other runners (other addresses) still log in with the role
    const elsewhere = await apiFrom(s, '127.0.0.11', 'POST', 'auth/jwt/login', { role: 'shop-main', jwt: await issuer.mint(githubClaims()) });
    expect(elsewhere.status, JSON.stringify(elsewhere.body)).toBe(200);
    const listed = await api(s, 'GET', 'sys/locked-users', { token: root });
    const [accessor, mount] = Object.entries<any>(listed.body.data.by_namespace[0].mount_accessors)[0]!;
    const [key] = mount.alias_identifiers as string[];
    expect(key).toMatch(/^shop-main from (::ffff:)?127\.0\.0\.1$/);
    // the operator's unlock, with the identifier as a path segment (spaces and colons encoded)
    const unlocked = await api(s, 'POST', `sys/locked-users/${accessor}/unlock/${encodeURIComponent(key!)}`, { token: root });
    expect(unlocked.status, JSON.stringify(unlocked.body)).toBe(204);
    expect((await login(await issuer.mint(githubClaims()))).status).toBe(200);
    // unlocking the role by its name lifts its locks from every address
    for (let i = 0; i < 5; i++) expect((await login(bad)).status).toBe(400);
    expect((await login(await issuer.mint(githubClaims()))).status).toBe(429);
    expect((await api(s, 'POST', `sys/locked-users/${accessor}/unlock/shop-main`, { token: root })).status).toBe(204);
    expect((await login(await issuer.mint(githubClaims()))).status).toBe(200);
  });

  it('refuses a login from outside token_bound_cidrs', async () => {
    const role = { ...GITHUB_ROLE, token_bound_cidrs: ['10.0.0.0/8'] };
    expect((await api(s, 'PUT', 'auth/jwt/role/no-aud', { token: root, body: role })).status).toBe(204);
    const res = await login(await issuer.mint(githubClaims()), 'no-aud');
    expect(res.status).toBe(403);
    expect(res.body.errors[0]).toMatch(/invalid CIDR/);
  });

  it('binds a deployment environment through sub (repo:…:environment:production)', async () => {
    const role = {
      role_type: 'jwt',
      user_claim: 'repository',
      bound_audiences: 'https://github.com/acme',
      bound_subject: 'repo:acme/shop:environment:production',
      token_policies: 'shop-ci',
    };
    expect((await api(s, 'PUT', 'auth/jwt/role/shop-prod', { token: root, body: role })).status).toBe(204);
    const ok = await login(await issuer.mint(githubClaims({ environment: 'production' })), 'shop-prod');
    expect(ok.status).toBe(200);
    expect(ok.body.auth.metadata).toEqual({ role: 'shop-prod' });
    await expectRejected(await issuer.mint(githubClaims({ environment: 'staging' })), /subject \(sub claim\) does not match/, 'shop-prod');
  });
});

describe('keys from jwks_url', () => {
  it('fetches a rotated key once, by its new kid, and rate-limits unknown-kid refetches', async () => {
    const rot = await startOidcIssuer();
    try {
      expect((await api(s, 'PUT', 'sys/auth/jwt-rot', { token: root, body: { type: 'jwt' } })).status).toBe(204);
      const mounts = await api(s, 'GET', 'sys/auth', { token: root });
      accessors.push(mounts.body.data['jwt-rot/'].accessor);
      const put = (path: string, body: unknown) => api(s, 'PUT', path, { token: root, body });
      expect((await put('auth/jwt-rot/config', { jwks_url: rot.jwksUrl, bound_issuer: rot.url })).status).toBe(204);
      expect((await put('auth/jwt-rot/role/rot', { ...GITHUB_ROLE, user_claim: 'sub' })).status).toBe(204);

      expect((await login(await rot.mint(githubClaims()), 'rot', 'jwt-rot')).status).toBe(200);
      expect((await login(await rot.mint(githubClaims()), 'rot', 'jwt-rot')).status).toBe(200);
      const afterFirst = rot.jwksFetches();

      const oldKey = rot.rsa;
      await rot.rotate();
      const res = await login(await rot.mint(githubClaims()), 'rot', 'jwt-rot');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(rot.jwksFetches()).toBe(afterFirst + 1);
      expect((await login(await rot.mint(githubClaims()), 'rot', 'jwt-rot')).status).toBe(200);
      expect(rot.jwksFetches()).toBe(afterFirst + 1); // cached

      // the retired key is gone from the JWKS; refetches for unknown kids are rate-limited
      await expectRejected(await rot.mint(githubClaims(), { key: oldKey }), /unknown signing key/, 'rot', 'jwt-rot');
      resetLockout();
      await expectRejected(await rot.mint(githubClaims(), { key: oldKey }), /unknown signing key/, 'rot', 'jwt-rot');
      expect(rot.jwksFetches()).toBe(afterFirst + 1);
    } finally {
      await rot.close();
    }
  });
});

describe('an issuer that cannot be reached', () => {
  it('answers a login 500 naming the JWKS (not 503, which clients read as a sealed server)', async () => {
    const gone = await startOidcIssuer();
    const put = (path: string, body: unknown) => api(s, 'PUT', path, { token: root, body });
    expect((await put('sys/auth/jwt-gone', { type: 'jwt' })).status).toBe(204);
    expect((await put('auth/jwt-gone/config', { jwks_url: gone.jwksUrl, bound_issuer: gone.url })).status).toBe(204);
    expect((await put('auth/jwt-gone/role/gone', { ...GITHUB_ROLE, user_claim: 'sub' })).status).toBe(204);
    const jwt = await gone.mint(githubClaims());
    await gone.close();
    const res = await login(jwt, 'gone', 'jwt-gone');
    expect(res.status).toBe(500);
    expect(res.body.errors).toEqual([expect.stringContaining('unable to fetch the signing keys (JWKS) of the issuer')]);
    expect(JSON.stringify(res.body)).not.toContain(jwt.split('.')[1]!);
  });
});

describe('GitLab CI (id_tokens), keys as jwt_validation_pubkeys, mounted as type oidc', () => {
  it('logs in for the protected main branch of acme/shop and refuses other refs and projects', async () => {
    const put = (path: string, body: unknown) => api(s, 'PUT', path, { token: root, body });
    expect((await put('sys/auth/gitlab', { type: 'oidc' })).status).toBe(204);
    const mounts = await api(s, 'GET', 'sys/auth', { token: root });
    accessors.push(mounts.body.data['gitlab/'].accessor);
    const pubkeys = [await issuer.publicPem(issuer.rsa), await issuer.publicPem(issuer.ec)];
    expect((await put('auth/gitlab/config', { jwt_validation_pubkeys: pubkeys, bound_issuer: issuer.url, default_role: 'gitlab-deploy' })).status).toBe(204);
    const role = {
      role_type: 'jwt',
      user_claim: 'user_login',
      bound_audiences: ['https://hush.example.com'],
      bound_claims: { project_path: 'acme/shop', ref_type: 'branch', ref: 'main', ref_protected: 'true' },
      claim_mappings: { project_path: 'project_path', pipeline_source: 'pipeline_source', environment: 'environment' },
      token_policies: ['shop-ci'],
      token_explicit_max_ttl: '15m',
    };
    expect((await put('auth/gitlab/role/gitlab-deploy', role)).status).toBe(204);

    // no role in the body: default_role applies
    const ok = await login(await issuer.mint(gitlabClaims(), { key: issuer.ec }), null, 'gitlab');
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.auth.metadata).toEqual({ role: 'gitlab-deploy', project_path: 'acme/shop', pipeline_source: 'push', environment: 'production' });
    const token = ok.body.auth.client_token as string;
    expect((await api(s, 'GET', 'secret/data/shop/ci', { token })).status).toBe(200);
    expect((await api(s, 'GET', 'secret/data/billing/prod', { token })).status).toBe(403);
    expect((await api(s, 'GET', 'auth/token/lookup-self', { token })).body.data.display_name).toBe('gitlab-alice');

    const featureBranch = await issuer.mint(gitlabClaims({ ref: 'feature-x', ref_protected: 'false' }));
    await expectRejected(featureBranch, /claim "ref" does not match/, 'gitlab-deploy', 'gitlab');
    await expectRejected(await issuer.mint(gitlabClaims({ project_path: 'acme/billing' })), /claim "project_path" does not match/, 'gitlab-deploy', 'gitlab');
    const other = await issuer.unpublishedKey();
    await expectRejected(await issuer.mint(gitlabClaims(), { key: other }), /signature verification failed/, 'gitlab-deploy', 'gitlab');
  });
});

describe('an issuer behind a private CA (oidc_discovery_ca_pem)', () => {
  it('refuses the config without the CA, accepts it with the CA, and logs in', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hush-jwt-tls-'));
    const tls = await createDevTls(dir);
    const tlsIssuer = await startOidcIssuer({ tls: { cert: readFileSync(tls.certFile, 'utf8'), key: readFileSync(tls.keyFile, 'utf8') } });
    try {
      expect(tlsIssuer.url).toMatch(/^https:/);
      const put = (path: string, body: unknown) => api(s, 'PUT', path, { token: root, body });
      expect((await put('sys/auth/jwt-tls', { type: 'jwt' })).status).toBe(204);
      const untrusted = await put('auth/jwt-tls/config', { oidc_discovery_url: tlsIssuer.url });
      expect(untrusted.status).toBe(400);
      expect(untrusted.body.errors[0]).toMatch(/error checking oidc discovery URL: .*(certificate|self.signed)/i);
      const ca = readFileSync(tls.caFile, 'utf8');
      expect((await put('auth/jwt-tls/config', { oidc_discovery_url: tlsIssuer.url, oidc_discovery_ca_pem: ca })).status).toBe(204);
      expect((await put('auth/jwt-tls/role/shop-main', GITHUB_ROLE)).status).toBe(204);
      const res = await login(await tlsIssuer.mint(githubClaims()), 'shop-main', 'jwt-tls');
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      // without bound_issuer, the discovery document's issuer is enforced
      const mounts = await api(s, 'GET', 'sys/auth', { token: root });
      accessors.push(mounts.body.data['jwt-tls/'].accessor);
      await expectRejected(await tlsIssuer.mint(githubClaims({ iss: 'https://elsewhere.example' })), /issuer \(iss claim\) does not match/, 'shop-main', 'jwt-tls');
    } finally {
      await tlsIssuer.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('audit', () => {
  it('never writes the JWT to the audit log, on success or failure', async () => {
    const file = join(s.dataDir, 'jwt-audit.log');
    const enable = await api(s, 'PUT', 'sys/audit/jwt-file', { token: root, body: { type: 'file', options: { file_path: file } } });
    expect(enable.status).toBe(204);
    const good = await issuer.mint(githubClaims());
    const bad = await issuer.mint(githubClaims({ aud: 'sigstore' }));
    expect((await login(good)).status).toBe(200);
    expect((await login(bad)).status).toBe(400);
    await api(s, 'DELETE', 'sys/audit/jwt-file', { token: root });
    const log = readFileSync(file, 'utf8');
    expect(log).toContain('auth/jwt/login');
    for (const jwt of [good, bad]) {
      for (const part of jwt.split('.')) expect(log).not.toContain(part);
    }
  });
});
