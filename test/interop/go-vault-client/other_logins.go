// The login helpers of HashiCorp's client library besides AppRole, as External Secrets Operator
// and other Go programs use them: userpass (with a password given as a string), and Kubernetes
// with a service account token (the mount and its stand-in API server are set up by the test,
// which passes the token in HUSH_K8S_JWT).
package main

import (
	"os"

	vault "github.com/hashicorp/vault/api"
	kubernetes "github.com/hashicorp/vault/api/auth/kubernetes"
	userpass "github.com/hashicorp/vault/api/auth/userpass"
)

// loginWith logs a copy of c (without its token) in with method; nil when that failed.
func loginWith(c *vault.Client, step string, method vault.AuthMethod) *vault.Client {
	client, err := c.Clone()
	if !note(step+"_clone", err) {
		return nil
	}
	client.ClearToken()
	info, err := client.Auth().Login(ctx, method)
	if !note(step, err) || info == nil || info.Auth == nil {
		return nil
	}
	out[step+"_policies"] = info.Auth.Policies
	out[step+"_metadata"] = info.Auth.Metadata
	return client
}

// readsAllowed records what a logged-in client reads at the allowed path and the status of
// the path its policy does not allow.
func readsAllowed(client *vault.Client, step string) {
	if client == nil {
		return
	}
	if s, err := client.KVv2("secret").Get(ctx, "goapp/database"); note(step+"_get", err) {
		out[step+"_get"] = s.Data["password"]
	}
	_, err := client.KVv2("go-team").Get(ctx, "x")
	out[step+"_other_status"] = status(err)
}

func otherLogins(c *vault.Client) {
	if note("enable_userpass", c.Sys().EnableAuthWithOptions("go-userpass", &vault.EnableAuthOptions{Type: "userpass"})) {
		_, err := c.Logical().Write("auth/go-userpass/users/gopher", map[string]interface{}{"password": "go-user-pw", "token_policies": "go-read"})
		if note("userpass_user", err) {
			method, err := userpass.NewUserpassAuth("gopher", &userpass.Password{FromString: "go-user-pw"}, userpass.WithMountPath("go-userpass"))
			if note("userpass_method", err) {
				readsAllowed(loginWith(c, "userpass_login", method), "userpass")
			}
		}
	}
	if jwt := os.Getenv("HUSH_K8S_JWT"); jwt != "" {
		method, err := kubernetes.NewKubernetesAuth("eso", kubernetes.WithServiceAccountToken(jwt), kubernetes.WithMountPath("go-k8s"))
		if note("kubernetes_method", err) {
			readsAllowed(loginWith(c, "kubernetes_login", method), "kubernetes")
		}
	}
}
