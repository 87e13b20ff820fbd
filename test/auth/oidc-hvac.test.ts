/**
 * Interop: Python's hvac (current release and Debian's 0.11.2) through the OIDC browser login,
 * as a web application drives it: `client.auth.oidc.oidc_authorization_url_request(role=…,
 * redirect_uri=…)`, the user's browser at the local OIDC provider (urllib, not following the
 * redirect back), then `client.auth.oidc.oidc_callback(code=…, state=…, nonce=…)` with what the
 * provider sent. The token reads the KV v2 secret its policy allows and is refused (403) another;
 * a callback with a state already used is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HVAC_VERSIONS, ensureVenv, runPython } from '../interop/python-env.js';
import { putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { startOidcLoginProvider } from '../helpers/oidc-login-provider.js';
import type { OidcLoginProvider } from '../helpers/oidc-login-provider.js';

const REDIRECT = 'https://app.example.com/oidc/callback';

const SCRIPT = `
import json, os, urllib.error, urllib.parse, urllib.request, hvac
out = {}
client = hvac.Client(url=os.environ["VAULT_ADDR"])
auth_url = client.auth.oidc.oidc_authorization_url_request(role="dev", redirect_uri="${REDIRECT}")["data"]["auth_url"]
nonce = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(auth_url).query))["nonce"]

class Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None

try:
    urllib.request.build_opener(Stay).open(auth_url)
    raise SystemExit("the provider did not redirect")
except urllib.error.HTTPError as err:
    location = err.headers["Location"]
out["back_to"] = location.split("?")[0]
answer = dict(urllib.parse.parse_qsl(urllib.parse.urlparse(location).query))
res = client.auth.oidc.oidc_callback(code=answer["code"], state=answer["state"], nonce=nonce)
if not isinstance(res, dict):
    res = res.json()
out["metadata"] = res["auth"]["metadata"]
client.token = res["auth"]["client_token"]
out["read"] = client.secrets.kv.v2.read_secret_version(path="dev/app")["data"]["data"]
try:
    client.secrets.kv.v2.read_secret_version(path="prod/app")
    out["other_secret"] = "read"
except hvac.exceptions.Forbidden:
    out["other_secret"] = "Forbidden"
try:
    hvac.Client(url=os.environ["VAULT_ADDR"]).auth.oidc.oidc_callback(code=answer["code"], state=answer["state"], nonce=nonce)
    out["replay"] = "logged in"
except hvac.exceptions.InvalidRequest as err:
    out["replay"] = str(err)
print(json.dumps(out))
`;

describe.each(HVAC_VERSIONS)('hvac %s OIDC browser login', (name, packages) => {
  let server: TestServer;
  let provider: OidcLoginProvider;
  let python: string;

  beforeAll(async () => {
    python = ensureVenv(`hvac-${name}`, packages);
    [server, provider] = await Promise.all([startTestServer({ storage: 'memory' }), startOidcLoginProvider()]);
    provider.user = { sub: 'u-42', claims: { email: 'carol@acme.test', groups: ['developers'] } };
    const put = (path: string, body: unknown) => putAsRoot(server, path, body);
    await put('sys/auth/oidc', { type: 'oidc' });
    await put('auth/oidc/config', { oidc_discovery_url: provider.url, oidc_client_id: provider.clientId, oidc_client_secret: provider.clientSecret });
    await put('sys/policies/acl/dev-read', { policy: 'path "secret/data/dev/*" { capabilities = ["read"] }' });
    await put('secret/data/dev/app', { data: { API_KEY: 'dev-api-key' } });
    await put('secret/data/prod/app', { data: { API_KEY: 'prod-api-key' } });
    await put('auth/oidc/role/dev', {
      role_type: 'oidc',
      user_claim: 'email',
      allowed_redirect_uris: REDIRECT,
      bound_claims: { groups: 'developers' },
      claim_mappings: { email: 'email' },
      token_policies: 'dev-read',
    });
  });
  afterAll(async () => {
    await server?.close();
    await provider?.close();
  });

  it('logs in through the provider, reads the allowed secret, is refused another, and cannot replay the state', async () => {
    const out = JSON.parse(await runPython(python, ['-c', SCRIPT], { VAULT_ADDR: server.address }));
    expect(out.back_to).toBe(REDIRECT);
    expect(out.metadata).toEqual({ role: 'dev', email: 'carol@acme.test' });
    expect(out.read).toEqual({ API_KEY: 'dev-api-key' });
    expect(out.other_secret).toBe('Forbidden');
    expect(out.replay).toMatch(/expired or missing OAuth state/);
  });
});
