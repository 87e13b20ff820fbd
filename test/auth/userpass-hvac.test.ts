/**
 * hvac (the current release and 0.11.2, Debian's python3-hvac) manages userpass users and logs
 * in with the spelling each version's users write — `client.auth.userpass.login(username,
 * password)` and `client.auth_userpass(username, password)` — then reads the KV v2 secret the
 * user's policy allows and is refused (403, `Forbidden`) another. Python runs asynchronously:
 * the server lives in this test process and must keep answering.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HVAC_VERSIONS, ensureVenv, runPython } from '../interop/python-env.js';
import { startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';

const SCRIPT = String.raw`
import json, os
from importlib.metadata import version
import hvac

url = os.environ["VAULT_ADDR"]
out = {"hvac_version": version("hvac")}
admin = hvac.Client(url=url, token=os.environ["VAULT_TOKEN"])
admin.sys.enable_auth_method(method_type="userpass")
out["auth_methods"] = sorted(admin.sys.list_auth_methods()["data"].keys())
admin.sys.create_or_update_policy(name="app-read", policy='path "secret/data/app/*" { capabilities = ["read"] }')
admin.secrets.kv.v2.create_or_update_secret(path="app/db", secret={"password": "app-db-pw"})
admin.secrets.kv.v2.create_or_update_secret(path="other/db", secret={"password": "other-db-pw"})

up = admin.auth.userpass
up.create_or_update_user(username="Deploy", password="first-pw-hvac", policies=["app-read"])
out["users"] = up.list_user()["data"]["keys"]
out["read_user_policies"] = up.read_user(username="deploy")["data"]["token_policies"]

def login(username, password):
    c = hvac.Client(url=url)
    if version("hvac") == "0.11.2":
        res = c.auth_userpass(username, password)
    else:
        res = c.auth.userpass.login(username, password)
    return c, res

def failure(username, password):
    try:
        login(username, password)
        return "logged in"
    except hvac.exceptions.VaultError as e:
        return [type(e).__name__, getattr(e, "errors", None)]

user, res = login("deploy", "first-pw-hvac")
out["login_policies"] = res["auth"]["policies"]
out["login_metadata"] = res["auth"]["metadata"]
out["is_authenticated"] = user.is_authenticated()
out["allowed_read"] = user.secrets.kv.v2.read_secret_version(path="app/db")["data"]["data"]
try:
    user.secrets.kv.v2.read_secret_version(path="other/db")
    out["other_read"] = "read"
except hvac.exceptions.Forbidden:
    out["other_read"] = "Forbidden"

out["wrong_password"] = failure("deploy", "not-the-pw")
out["unknown_user"] = failure("nobody", "first-pw-hvac")
up.update_password_on_user(username="deploy", password="second-pw-hvac")
out["old_password"] = failure("deploy", "first-pw-hvac")
_, res = login("deploy", "second-pw-hvac")
out["new_password_policies"] = res["auth"]["policies"]
print(json.dumps(out))
`;

describe.each(HVAC_VERSIONS)('hvac %s with userpass', (name, packages) => {
  let server: TestServer;
  let python: string;

  beforeAll(async () => {
    python = ensureVenv(`hvac-${name}`, packages);
    server = await startTestServer({ storage: 'memory' });
  });
  afterAll(async () => server?.close());

  it('manages a user, logs in, reads the allowed secret and is refused another', async () => {
    const stdout = await runPython(python, ['-c', SCRIPT], { VAULT_ADDR: server.address, VAULT_TOKEN: server.rootToken });
    const out = JSON.parse(stdout);
    if (name !== 'current') expect(out.hvac_version).toBe(name);
    expect(out.auth_methods).toEqual(['token/', 'userpass/']);
    expect(out.users).toEqual(['deploy']);
    expect(out.read_user_policies).toEqual(['app-read']);
    expect(out.login_policies).toEqual(['app-read', 'default']);
    expect(out.login_metadata).toEqual({ username: 'deploy' });
    expect(out.is_authenticated).toBe(true);
    expect(out.allowed_read).toEqual({ password: 'app-db-pw' });
    expect(out.other_read).toBe('Forbidden');
    const invalid = ['InvalidRequest', ['invalid username or password']];
    expect(out.wrong_password).toEqual(invalid);
    expect(out.unknown_user).toEqual(invalid);
    expect(out.old_password).toEqual(invalid);
    expect(out.new_password_policies).toEqual(['app-read', 'default']);
  });
});
