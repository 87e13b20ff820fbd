/**
 * Interop: Python's hvac (current release and Debian's 0.11.2) logs in with
 * `client.auth.jwt.jwt_login(role=…, jwt=…)` using a GitHub Actions-shaped token from the local
 * issuer, reads the KV v2 secret its policy allows, is refused (403) another, and a token for
 * another branch is refused at login. Python runs asynchronously: the server is in this process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HVAC_VERSIONS, ensureVenv, runPython } from '../interop/python-env.js';
import { putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { githubClaims, startOidcIssuer } from '../helpers/oidc-issuer.js';
import type { OidcIssuer } from '../helpers/oidc-issuer.js';

const SCRIPT = `
import json, os, hvac
out = {}
client = hvac.Client(url=os.environ["VAULT_ADDR"])
res = client.auth.jwt.jwt_login(role="shop-main", jwt=os.environ["GOOD_JWT"])
out["token_prefix"] = res["auth"]["client_token"][:4]
out["metadata"] = res["auth"]["metadata"]
out["is_authenticated"] = client.is_authenticated()
out["read"] = client.secrets.kv.v2.read_secret_version(path="shop/ci")["data"]["data"]
try:
    client.secrets.kv.v2.read_secret_version(path="billing/prod")
    out["other_secret"] = "read"
except hvac.exceptions.Forbidden:
    out["other_secret"] = "Forbidden"
try:
    hvac.Client(url=os.environ["VAULT_ADDR"]).auth.jwt.jwt_login(role="shop-main", jwt=os.environ["OTHER_BRANCH_JWT"])
    out["other_branch"] = "logged in"
except hvac.exceptions.InvalidRequest as err:
    out["other_branch"] = "InvalidRequest"
    out["other_branch_error"] = str(err)
print(json.dumps(out))
`;

describe.each(HVAC_VERSIONS)('hvac %s jwt_login', (name, packages) => {
  let server: TestServer;
  let issuer: OidcIssuer;
  let python: string;

  beforeAll(async () => {
    python = ensureVenv(`hvac-${name}`, packages);
    [server, issuer] = await Promise.all([startTestServer({ storage: 'memory' }), startOidcIssuer()]);
    const put = (path: string, body: unknown) => putAsRoot(server, path, body);
    await put('sys/auth/jwt', { type: 'jwt' });
    await put('auth/jwt/config', { oidc_discovery_url: issuer.url, bound_issuer: issuer.url });
    await put('sys/policies/acl/shop-ci', { policy: 'path "secret/data/shop/ci" { capabilities = ["read"] }' });
    await put('secret/data/shop/ci', { data: { DEPLOY_KEY: 'shop-deploy-key' } });
    await put('secret/data/billing/prod', { data: { STRIPE_KEY: 'sk_live_billing' } });
    await put('auth/jwt/role/shop-main', {
      role_type: 'jwt',
      user_claim: 'actor',
      bound_audiences: 'https://github.com/acme',
      bound_claims_type: 'glob',
      bound_claims: { sub: 'repo:acme/shop:ref:refs/heads/main' },
      claim_mappings: { repository: 'repository' },
      token_policies: 'shop-ci',
      token_ttl: '10m',
    });
  });
  afterAll(async () => {
    await server?.close();
    await issuer?.close();
  });

  it('logs in, reads the allowed secret, is refused another, and a token for another branch is refused', async () => {
    const stdout = await runPython(python, ['-c', SCRIPT], {
      VAULT_ADDR: server.address,
      GOOD_JWT: await issuer.mint(githubClaims()),
      OTHER_BRANCH_JWT: await issuer.mint(githubClaims({ ref: 'refs/heads/feature-x' })),
    });
    const out = JSON.parse(stdout);
    expect(out.token_prefix).toBe('hvs.');
    expect(out.metadata).toEqual({ role: 'shop-main', repository: 'acme/shop' });
    expect(out.is_authenticated).toBe(true);
    expect(out.read).toEqual({ DEPLOY_KEY: 'shop-deploy-key' });
    expect(out.other_secret).toBe('Forbidden');
    expect(out.other_branch).toBe('InvalidRequest');
    expect(out.other_branch_error).toMatch(/claim "sub" does not match/);
  });
});
