// Runs the calls that Go programs built on HashiCorp's own client library make (the vault CLI,
// External Secrets Operator, Terraform's provider and consul-template all use
// github.com/hashicorp/vault/api), unchanged, against VAULT_ADDR with the root token in
// VAULT_TOKEN. Prints one JSON object of what each call returned for the TypeScript test
// (test/interop/go-vault-api.test.ts) to check; a failed call is recorded under "errors".
package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"sort"
	"time"

	vault "github.com/hashicorp/vault/api"
	approle "github.com/hashicorp/vault/api/auth/approle"
)

var (
	out  = map[string]interface{}{}
	errs = map[string]string{}
	ctx  = context.Background()
)

// note records a failed call under its step name; it reports whether the call succeeded.
func note(step string, err error) bool {
	if err != nil {
		errs[step] = err.Error()
		return false
	}
	return true
}

// status is the HTTP status of a failed call (0 when it did not reach the server's answer).
func status(err error) int {
	var respErr *vault.ResponseError
	if errors.As(err, &respErr) {
		return respErr.StatusCode
	}
	return 0
}

func main() {
	root, err := vault.NewClient(vault.DefaultConfig())
	if !note("client", err) {
		finish()
		return
	}
	sysCalls(root)
	kvV2Calls(root)
	kvV1AndMounts(root)
	tokenCalls(root)
	appRoleCalls(root)
	otherLogins(root)
	errorShapes(root)
	if key := os.Getenv("HUSH_UNSEAL_KEY"); key != "" {
		generateRoot(root, key)
	}
	finish()
}

func sysCalls(c *vault.Client) {
	if health, err := c.Sys().Health(); note("health", err) {
		out["health"] = map[string]interface{}{"initialized": health.Initialized, "sealed": health.Sealed}
	}
	if seal, err := c.Sys().SealStatus(); note("seal_status", err) {
		out["seal_status"] = map[string]interface{}{"sealed": seal.Sealed, "type": seal.Type, "t": seal.T, "n": seal.N}
	}
	if file := os.Getenv("HUSH_AUDIT_FILE"); file != "" {
		note("enable_audit", c.Sys().EnableAuditWithOptions("go-file", &vault.EnableAuditOptions{Type: "file", Options: map[string]string{"file_path": file}}))
		if audits, err := c.Sys().ListAudit(); note("list_audit", err) {
			out["audit_devices"] = sortedKeys(audits)
		}
	}
	note("put_policy", c.Sys().PutPolicy("go-read", `path "secret/data/goapp/*" { capabilities = ["read"] }`))
	if policy, err := c.Sys().GetPolicy("go-read"); note("get_policy", err) {
		out["policy"] = policy
	}
	if policies, err := c.Sys().ListPolicies(); note("list_policies", err) {
		out["policies"] = policies
	}
}

func kvV2Calls(c *vault.Client) {
	kv := c.KVv2("secret")
	const path = "goapp/database"
	if s, err := kv.Put(ctx, path, map[string]interface{}{"username": "django", "password": "go-pw-1"}); note("kv_put", err) {
		out["kv_put_version"] = s.VersionMetadata.Version
	}
	if s, err := kv.Get(ctx, path); note("kv_get", err) {
		out["kv_get"] = s.Data
	}
	if s, err := kv.Put(ctx, path, map[string]interface{}{"username": "django", "password": "go-pw-2"}, vault.WithCheckAndSet(1)); note("kv_put_cas", err) {
		out["kv_cas_version"] = s.VersionMetadata.Version
	}
	_, err := kv.Put(ctx, path, map[string]interface{}{"password": "lost-update"}, vault.WithCheckAndSet(1))
	out["kv_cas_conflict_status"] = status(err)
	if s, err := kv.GetVersion(ctx, path, 1); note("kv_get_version", err) {
		out["kv_v1"] = s.Data
	}
	// PATCH with application/merge-patch+json, then the older read-then-write
	if s, err := kv.Patch(ctx, path, map[string]interface{}{"port": "5432"}); note("kv_patch", err) {
		out["kv_patch_version"] = s.VersionMetadata.Version
	}
	if s, err := kv.Patch(ctx, path, map[string]interface{}{"host": "db"}, vault.WithMergeMethod("rw")); note("kv_patch_rw", err) {
		out["kv_patch_rw_version"] = s.VersionMetadata.Version
	}
	if s, err := kv.Get(ctx, path); note("kv_get_patched", err) {
		out["kv_patched"] = s.Data
	}
	note("kv_put_metadata", kv.PutMetadata(ctx, path, vault.KVMetadataPutInput{MaxVersions: 7, CustomMetadata: map[string]interface{}{"team": "web"}, DeleteVersionAfter: time.Hour}))
	if m, err := kv.GetMetadata(ctx, path); note("kv_get_metadata", err) {
		out["kv_metadata"] = map[string]interface{}{
			"current_version": m.CurrentVersion, "max_versions": m.MaxVersions, "custom_metadata": m.CustomMetadata,
			"delete_version_after_s": m.DeleteVersionAfter.Seconds(), "versions": len(m.Versions),
		}
	}
	note("kv_delete", kv.Delete(ctx, path))
	if s, err := kv.Get(ctx, path); err == nil {
		out["kv_deleted"] = map[string]interface{}{"data_nil": s.Data == nil, "deletion_time_set": !s.VersionMetadata.DeletionTime.IsZero()}
	} else {
		out["kv_deleted"] = map[string]interface{}{"error": err.Error()}
	}
	note("kv_undelete", kv.Undelete(ctx, path, []int{4}))
	if s, err := kv.Get(ctx, path); note("kv_get_undeleted", err) {
		out["kv_undeleted"] = s.Data
	}
	if s, err := kv.Rollback(ctx, path, 1); note("kv_rollback", err) {
		out["kv_rollback_version"] = s.VersionMetadata.Version
	}
	if s, err := kv.Get(ctx, path); note("kv_get_rolled_back", err) {
		out["kv_rolled_back"] = s.Data
	}
	note("kv_destroy", kv.Destroy(ctx, path, []int{1}))
	// as from Vault: a 404 that carries the version's metadata, which the library hands back
	if s, err := kv.GetVersion(ctx, path, 1); note("kv_get_destroyed", err) {
		out["kv_destroyed"] = map[string]interface{}{"data_nil": s.Data == nil, "destroyed": s.VersionMetadata.Destroyed}
	}
	if versions, err := kv.GetVersionsAsList(ctx, path); note("kv_versions", err) {
		destroyed := []int{}
		for _, v := range versions {
			if v.Destroyed {
				destroyed = append(destroyed, v.Version)
			}
		}
		out["kv_versions"] = map[string]interface{}{"count": len(versions), "destroyed": destroyed}
	}
	_, _ = kv.Put(ctx, "goapp/api", map[string]interface{}{"KEY": "k"})
	if list, err := c.Logical().List("secret/metadata/goapp"); note("kv_list", err) && list != nil {
		out["kv_list"] = list.Data["keys"]
	}
	note("kv_delete_metadata", kv.DeleteMetadata(ctx, "goapp/api"))
	_, err = kv.Get(ctx, "goapp/api")
	out["kv_gone_is_not_found"] = errors.Is(err, vault.ErrSecretNotFound)
	_, _ = kv.Put(ctx, path, map[string]interface{}{"password": "go-pw-final"})
}

func kvV1AndMounts(c *vault.Client) {
	note("mount_kv2", c.Sys().Mount("go-team", &vault.MountInput{Type: "kv", Options: map[string]string{"version": "2"}}))
	note("mount_kv1", c.Sys().Mount("go-legacy", &vault.MountInput{Type: "kv", Description: "v1 store"}))
	if mounts, err := c.Sys().ListMounts(); note("list_mounts", err) {
		team := mounts["go-team/"]
		if team != nil {
			out["mount_team"] = map[string]interface{}{"type": team.Type, "version": team.Options["version"]}
		}
		out["mounts"] = sortedKeys(mounts)
	}
	if _, err := c.KVv2("go-team").Put(ctx, "x", map[string]interface{}{"a": "b"}); note("team_put", err) {
		if s, err := c.KVv2("go-team").Get(ctx, "x"); note("team_get", err) {
			out["team_get"] = s.Data
		}
	}
	if note("v1_put", c.KVv1("go-legacy").Put(ctx, "app", map[string]interface{}{"token": "v1-value"})) {
		if s, err := c.KVv1("go-legacy").Get(ctx, "app"); note("v1_get", err) {
			out["v1_get"] = s.Data
		}
	}
}

func tokenCalls(c *vault.Client) {
	created, err := c.Auth().Token().Create(&vault.TokenCreateRequest{Policies: []string{"go-read"}, TTL: "1h", Metadata: map[string]string{"team": "go"}})
	if !note("token_create", err) {
		return
	}
	ttl, _ := created.TokenTTL()
	out["token_create"] = map[string]interface{}{"policies": created.Auth.Policies, "ttl_s": ttl.Seconds(), "renewable": created.Auth.Renewable}
	limited, err := c.Clone()
	if !note("clone", err) {
		return
	}
	limited.SetToken(created.Auth.ClientToken)
	if s, err := limited.KVv2("secret").Get(ctx, "goapp/database"); note("limited_get", err) {
		out["limited_get"] = s.Data["password"]
	}
	_, err = limited.KVv2("secret").Put(ctx, "goapp/database", map[string]interface{}{"x": "y"})
	out["limited_put_status"] = status(err)
	if self, err := limited.Auth().Token().LookupSelf(); note("lookup_self", err) {
		policies, _ := self.TokenPolicies()
		meta, _ := self.TokenMetadata()
		out["lookup_self"] = map[string]interface{}{"policies": policies, "meta": meta}
	}
	if renewed, err := limited.Auth().Token().RenewSelf(7200); note("renew_self", err) {
		ttl, _ := renewed.TokenTTL()
		out["renewed_ttl_s"] = ttl.Seconds()
	}
	note("revoke_self", limited.Auth().Token().RevokeSelf(""))
	_, err = limited.Auth().Token().LookupSelf()
	out["revoked_lookup_status"] = status(err)
}

func appRoleCalls(c *vault.Client) {
	note("enable_approle", c.Sys().EnableAuthWithOptions("go-approle", &vault.EnableAuthOptions{Type: "approle"}))
	if auths, err := c.Sys().ListAuth(); note("list_auth", err) {
		out["auth_mounts"] = sortedKeys(auths)
	}
	_, err := c.Logical().Write("auth/go-approle/role/web", map[string]interface{}{"token_policies": "go-read", "token_ttl": "15m"})
	note("write_role", err)
	roleIDSecret, err := c.Logical().Read("auth/go-approle/role/web/role-id")
	if !note("read_role_id", err) || roleIDSecret == nil {
		return
	}
	roleID, _ := roleIDSecret.Data["role_id"].(string)
	secretIDSecret, err := c.Logical().Write("auth/go-approle/role/web/secret-id", nil)
	if !note("secret_id", err) {
		return
	}
	secretID, _ := secretIDSecret.Data["secret_id"].(string)

	login := func(step string, id *approle.SecretID, opts ...approle.LoginOption) *vault.Client {
		app, err := c.Clone()
		if !note(step+"_clone", err) {
			return nil
		}
		app.ClearToken()
		method, err := approle.NewAppRoleAuth(roleID, id, append(opts, approle.WithMountPath("go-approle"))...)
		if !note(step+"_method", err) {
			return nil
		}
		info, err := app.Auth().Login(ctx, method)
		if !note(step, err) || info == nil || info.Auth == nil {
			return nil
		}
		out[step+"_policies"] = info.Auth.Policies
		return app
	}
	app := login("approle_login", &approle.SecretID{FromString: secretID})
	if app != nil {
		if s, err := app.KVv2("secret").Get(ctx, "goapp/database"); note("approle_get", err) {
			out["approle_get"] = s.Data["password"]
		}
		_, err := app.KVv2("go-team").Get(ctx, "x")
		out["approle_other_status"] = status(err)
	}

	// A deploy tool hands the new machine a wrapped secret ID (X-Vault-Wrap-TTL).
	wrapper, err := c.Clone()
	if note("wrap_clone", err) {
		wrapper.SetWrappingLookupFunc(func(operation, path string) string { return "120s" })
		wrapped, err := wrapper.Logical().Write("auth/go-approle/role/web/secret-id", nil)
		if note("wrap_secret_id", err) && wrapped.WrapInfo != nil {
			out["wrap_ttl"] = wrapped.WrapInfo.TTL
			out["wrapped_login"] = login("wrapped_login", &approle.SecretID{FromString: wrapped.WrapInfo.Token}, approle.WithWrappingToken()) != nil
			_, err := c.Logical().Unwrap(wrapped.WrapInfo.Token)
			out["unwrap_twice_status"] = status(err)
		}
	}

	// Incident response: log out everyone the mount logged in.
	note("revoke_prefix", c.Sys().RevokePrefix("auth/go-approle/"))
	if app != nil {
		_, err := app.Auth().Token().LookupSelf()
		out["after_revoke_status"] = status(err)
	}
	_, err = c.Logical().Write("auth/go-approle/login", map[string]interface{}{"role_id": roleID, "secret_id": "wrong"})
	out["bad_login_status"] = status(err)
}

func errorShapes(c *vault.Client) {
	missing, err := c.Logical().Read("secret/data/goapp/does-not-exist")
	out["missing_read"] = map[string]interface{}{"nil": missing == nil, "error": err != nil}
	_, err = c.Logical().Write("sys/mounts/go-bad", map[string]interface{}{"type": "no-such-engine"})
	var respErr *vault.ResponseError
	if errors.As(err, &respErr) {
		out["bad_mount"] = map[string]interface{}{"status": respErr.StatusCode, "errors": len(respErr.Errors) > 0}
	}
}

// generateRoot does what `vault operator generate-root -init`, a key holder's update and
// `-decode` do: the server's OTP, the share, then the token XORed with the OTP, base64 unpadded.
func generateRoot(c *vault.Client, key string) {
	started, err := c.Sys().GenerateRootInit("", "")
	if !note("generate_root_init", err) {
		return
	}
	out["generate_root_otp_length"] = started.OTPLength
	done, err := c.Sys().GenerateRootUpdate(key, started.Nonce)
	if !note("generate_root_update", err) {
		return
	}
	out["generate_root_complete"] = done.Complete
	xored, err := base64.RawStdEncoding.DecodeString(done.EncodedToken)
	if !note("generate_root_decode", err) || len(xored) != len(started.OTP) {
		return
	}
	token := make([]byte, len(xored))
	for i := range xored {
		token[i] = xored[i] ^ started.OTP[i]
	}
	fresh, err := c.Clone()
	if !note("generate_root_clone", err) {
		return
	}
	fresh.SetToken(string(token))
	if self, err := fresh.Auth().Token().LookupSelf(); note("generate_root_lookup", err) {
		policies, _ := self.TokenPolicies()
		out["generate_root_policies"] = policies
	}
}

func sortedKeys[T any](m map[string]T) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func finish() {
	out["errors"] = errs
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(out); err != nil {
		os.Exit(1)
	}
}
