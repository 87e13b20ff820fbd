"""Runs, unchanged, the hvac calls Django teams already write, against VAULT_ADDR/VAULT_TOKEN.

Prints one JSON object with what each call returned, for the TypeScript test to check.
Works with hvac 0.11.x (Debian's python3-hvac) and the current release.
"""
import base64
import json
import os
import secrets
import string
import sys
from importlib.metadata import version

import hvac

out = {"hvac_version": version("hvac")}
client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ["VAULT_TOKEN"],
                     verify=os.environ.get("VAULT_CACERT", True))
out["is_authenticated"] = client.is_authenticated()

kv = client.secrets.kv.v2
kv.create_or_update_secret(path="myapp/database", secret={"username": "django", "password": "s3cr3t-pw"})
kv.create_or_update_secret(path="myapp/api", secret={"STRIPE_KEY": "sk_test_abc"})
read = kv.read_secret_version(path="myapp/database")
out["read_data"] = read["data"]["data"]
out["read_version"] = read["data"]["metadata"]["version"]
kv.create_or_update_secret(path="myapp/database", secret={"username": "django", "password": "rotated"}, cas=1)
out["read_v1"] = kv.read_secret_version(path="myapp/database", version=1)["data"]["data"]
out["list_keys"] = kv.list_secrets(path="myapp")["data"]["keys"]
out["metadata_current_version"] = kv.read_secret_metadata(path="myapp/database")["data"]["current_version"]

kv.delete_metadata_and_all_versions(path="myapp/api")
try:
    kv.read_secret_version(path="myapp/api")
    out["deleted_read"] = "found"
except hvac.exceptions.InvalidPath:
    out["deleted_read"] = "InvalidPath"

client.sys.enable_secrets_engine(backend_type="kv", path="team-kv", options={"version": "2"})
out["mounts_have_team_kv"] = "team-kv/" in client.sys.list_mounted_secrets_engines()["data"]
client.secrets.kv.v2.create_or_update_secret(mount_point="team-kv", path="x", secret={"a": "b"})
out["team_kv_read"] = client.secrets.kv.v2.read_secret_version(mount_point="team-kv", path="x")["data"]["data"]

policy = 'path "secret/data/myapp/*" { capabilities = ["read"] }'
client.sys.create_or_update_policy(name="myapp-read", policy=policy)
out["policy_listed"] = "myapp-read" in client.sys.list_policies()["data"]["policies"]

audit_file = os.environ.get("HUSH_AUDIT_FILE")
if audit_file:
    client.sys.enable_audit_device(device_type="file", options={"file_path": audit_file})
    out["audit_devices"] = sorted(client.sys.list_enabled_audit_devices()["data"].keys())

# A limited token: may read myapp, nothing else.
limited = client.auth.token.create(policies=["myapp-read"], ttl="1h")["auth"]["client_token"]
lc = hvac.Client(url=os.environ["VAULT_ADDR"], token=limited, verify=os.environ.get("VAULT_CACERT", True))
out["limited_read"] = lc.secrets.kv.v2.read_secret_version(path="myapp/database")["data"]["data"]["password"]
try:
    lc.secrets.kv.v2.create_or_update_secret(path="myapp/database", secret={"x": "y"})
    out["limited_write"] = "allowed"
except hvac.exceptions.Forbidden:
    out["limited_write"] = "Forbidden"

# A token role: what a deploy tool may hand out (the same call in hvac 0.11 and today's).
client.auth.token.create_or_update_role("deployer", allowed_policies=["myapp-read"], orphan=True, path_suffix="v1")
out["token_roles"] = client.auth.token.list_roles()["data"]["keys"]
out["token_role_read"] = client.auth.token.read_role("deployer")["data"]["allowed_policies"]
role_token = client.auth.token.create(role_name="deployer")["auth"]
out["role_token"] = {"policies": role_token["policies"], "orphan": role_token["orphan"]}
out["role_token_path"] = client.auth.token.lookup(role_token["client_token"])["data"]["path"]
client.auth.token.delete_role("deployer")

# Operators: a new root token from the unseal key holders, then new unseal keys (the server has
# one share: a quorum of one). The OTP is as long as a token; the answer is XOR'd with it.
unseal_key = os.environ.get("HUSH_UNSEAL_KEY")
if unseal_key:
    otp = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(43))
    out["root_generation_idle"] = client.sys.read_root_generation_progress()["started"]
    nonce = client.sys.start_root_token_generation(otp=otp)["nonce"]
    encoded = client.sys.generate_root(key=unseal_key, nonce=nonce)["encoded_token"]
    xored = base64.b64decode(encoded + "=" * (-len(encoded) % 4))
    new_root = bytes(a ^ b for a, b in zip(xored, otp.encode())).decode()
    out["generated_root_policies"] = hvac.Client(url=os.environ["VAULT_ADDR"], token=new_root,
                                                 verify=os.environ.get("VAULT_CACERT", True)).lookup_token()["data"]["policies"]
    nonce = client.sys.start_rekey(secret_shares=3, secret_threshold=2)["nonce"]
    out["rekey_started"] = client.sys.read_rekey_progress()["started"]
    rekeyed = client.sys.rekey(key=unseal_key, nonce=nonce)
    out["rekey_keys"] = len(rekeyed["keys"])
    out["seal_threshold_after_rekey"] = client.sys.read_seal_status()["t"]

json.dump(out, sys.stdout)
