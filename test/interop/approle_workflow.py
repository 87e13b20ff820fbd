"""Logs in with AppRole through hvac, unchanged, against VAULT_ADDR (root token VAULT_TOKEN).

The operator part (auth mount, policy, role, role ID, secret ID) and the pipeline part (login,
reads) use hvac's own AppRole calls; with hvac 0.11.x the legacy `client.auth_approle` spelling
is exercised too. Prints one JSON object for the TypeScript test to check.
"""
import json
import os
from importlib.metadata import version

import hvac

out = {"hvac_version": version("hvac")}
addr = os.environ["VAULT_ADDR"]
mount = os.environ.get("APPROLE_MOUNT", "approle")
admin = hvac.Client(url=addr, token=os.environ["VAULT_TOKEN"])

admin.sys.enable_auth_method(method_type="approle", path=mount)
admin.sys.create_or_update_policy(name="py-app", policy='path "secret/data/pyapp/*" { capabilities = ["read"] }')
admin.secrets.kv.v2.create_or_update_secret(path="pyapp/db", secret={"password": "py-db-pw"})
admin.secrets.kv.v2.create_or_update_secret(path="other/db", secret={"password": "not-for-py"})

approle = admin.auth.approle
approle.create_or_update_approle(role_name="django", token_policies=["py-app"], token_ttl="15m", secret_id_ttl="1h",
                                 mount_point=mount)
out["roles"] = approle.list_roles(mount_point=mount)["data"]["keys"]
role = approle.read_role(role_name="django", mount_point=mount)["data"]
out["role_policies"] = role["token_policies"]
out["role_token_ttl"] = role["token_ttl"]
role_id = approle.read_role_id(role_name="django", mount_point=mount)["data"]["role_id"]
generated = approle.generate_secret_id(role_name="django", metadata={"host": "web-1"}, mount_point=mount)["data"]
out["generated_keys"] = sorted(generated.keys())
secret_id = generated["secret_id"]
out["accessors"] = approle.list_secret_id_accessors(role_name="django", mount_point=mount)["data"]["keys"]
out["lookup_metadata"] = approle.read_secret_id(role_name="django", secret_id=secret_id, mount_point=mount)["data"]["metadata"]


def use(client, label):
    out[label + "_authenticated"] = client.is_authenticated()
    read = client.secrets.kv.v2.read_secret_version(path="pyapp/db")
    out[label + "_read"] = read["data"]["data"]
    try:
        client.secrets.kv.v2.read_secret_version(path="other/db")
        out[label + "_other"] = "read"
    except hvac.exceptions.Forbidden:
        out[label + "_other"] = "Forbidden"


pipeline = hvac.Client(url=addr)
login = pipeline.auth.approle.login(role_id=role_id, secret_id=secret_id, mount_point=mount)
out["login_policies"] = login["auth"]["token_policies"]
out["login_metadata"] = login["auth"]["metadata"]
out["login_lease"] = login["auth"]["lease_duration"]
use(pipeline, "new")

if hasattr(hvac.Client, "auth_approle"):
    legacy = hvac.Client(url=addr)
    legacy.auth_approle(role_id, secret_id, mount_point=mount)
    use(legacy, "legacy")

try:
    hvac.Client(url=addr).auth.approle.login(role_id=role_id, secret_id="wrong-secret", mount_point=mount)
    out["bad_login"] = "accepted"
except hvac.exceptions.InvalidRequest as err:
    out["bad_login"] = str(err).split(",")[0]

# Incident response: the operator finds the pipeline's token lease and revokes every token the
# mount issued (hvac's lease calls are the same in 0.11 and today's release).
leases = admin.sys.list_leases(prefix="auth/%s/login/" % mount)["data"]["keys"]
out["lease_count"] = len(leases)
lease = admin.sys.read_lease(lease_id="auth/%s/login/%s" % (mount, leases[0]))["data"]
out["lease_fields"] = sorted(lease.keys())
admin.sys.revoke_prefix(prefix="auth/%s/" % mount)
out["after_revoke_authenticated"] = pipeline.is_authenticated()

print(json.dumps(out))
