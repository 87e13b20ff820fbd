"""hvac's PGP calls, unchanged, against VAULT_ADDR, one step a run (the test decrypts with gpg
in between, as the key holders would). HUSH_PGP_KEYS: public keys, base64, comma-separated;
HUSH_UNSEAL_KEYS: decrypted shares, comma-separated.

- init: two unseal keys and the root token, encrypted to the keys;
- rekey: to one share, encrypted to the second key, with a backup (read back);
- generate-root: a root token encrypted to the second key;
- rekey-verify: to two plain shares with require_verification, given back with rekey_verify.

Prints one JSON object with what the calls returned.
"""
import json
import os
import sys

import hvac

keys = os.environ["HUSH_PGP_KEYS"].split(",")
shares = [k for k in os.environ.get("HUSH_UNSEAL_KEYS", "").split(",") if k]
client = hvac.Client(url=os.environ["VAULT_ADDR"], token=os.environ.get("VAULT_TOKEN"))
step = os.environ["HUSH_STEP"]
out = {}
if step == "init":
    init = client.sys.initialize(secret_shares=2, secret_threshold=2, pgp_keys=keys, root_token_pgp_key=keys[0])
    out = {"keys_base64": init["keys_base64"], "root_token": init["root_token"]}
elif step == "rekey":
    nonce = client.sys.start_rekey(secret_shares=1, secret_threshold=1, pgp_keys=[keys[1]], backup=True)["nonce"]
    for share in shares:
        rekeyed = client.sys.rekey(key=share, nonce=nonce)
    out = {key: rekeyed[key] for key in ("keys_base64", "pgp_fingerprints", "backup")}
    out["backup"] = client.sys.read_backup_keys()["data"]
elif step == "generate-root":
    started = client.sys.start_root_token_generation(pgp_key=keys[1])
    out["pgp_fingerprint"] = started["pgp_fingerprint"]
    out["encoded_token"] = client.sys.generate_root(key=shares[0], nonce=started["nonce"])["encoded_token"]
elif step == "rekey-verify":
    nonce = client.sys.start_rekey(secret_shares=2, secret_threshold=2, require_verification=True)["nonce"]
    for share in shares:
        rekeyed = client.sys.rekey(key=share, nonce=nonce)
    out["verification_required"] = rekeyed["verification_required"]
    out["progress_before"] = client.sys.read_rekey_verify_progress()["progress"]
    out["new_keys"] = rekeyed["keys"]
    nonce = rekeyed["verification_nonce"]
    restarted = client.sys.cancel_rekey_verify()  # a dict, or a requests Response in some versions
    restarted = restarted if isinstance(restarted, dict) else restarted.json()
    out["restarted_nonce_differs"] = restarted["nonce"] != nonce
    nonce = client.sys.read_rekey_verify_progress()["nonce"]
    for key in rekeyed["keys"]:
        verified = client.sys.rekey_verify(key=key, nonce=nonce)
    out["verified"] = verified["complete"]
json.dump(out, sys.stdout)
