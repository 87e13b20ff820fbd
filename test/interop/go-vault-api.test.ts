/**
 * HashiCorp's Go client library (github.com/hashicorp/vault/api, the library under the vault CLI,
 * External Secrets Operator, Terraform's provider and consul-template) against a real Hush
 * server: KV v2 through its KVv2 helper (put with check-and-set, get, versions, both kinds of
 * patch, metadata, delete, undelete, rollback, destroy), KV v1, mounts, policies, tokens, an
 * AppRole login through its approle package (also with a wrapped secret ID), audit, leases,
 * error shapes and root token generation. The Go program (go-vault-client/main.go) records what each call returned.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putAsRoot, startTestServer } from '../helpers/test-server.js';
import type { TestServer } from '../helpers/test-server.js';
import { startKubernetesApi } from '../helpers/kubernetes-api.js';
import type { KubernetesApi } from '../helpers/kubernetes-api.js';
import { ensureGoClient, runGoClient } from './go-client.js';

let server: TestServer;
let k8s: KubernetesApi;
let out: Record<string, any>;
let unsealKey: string;
let serviceAccountJwt: string;

/** A Kubernetes mount (`go-k8s/`, role `eso`) for the library's kubernetes login helper. */
async function kubernetesMount(): Promise<void> {
  const put = (path: string, body: unknown) => putAsRoot(server, path, body);
  await put('sys/auth/go-k8s', { type: 'kubernetes' });
  await put('auth/go-k8s/config', { kubernetes_host: k8s.url, kubernetes_ca_cert: k8s.caPem, token_reviewer_jwt: await k8s.reviewerToken() });
  await put('auth/go-k8s/role/eso', { bound_service_account_names: 'external-secrets', bound_service_account_namespaces: 'external-secrets', token_policies: 'go-read' });
  serviceAccountJwt = await k8s.mint({ namespace: 'external-secrets', name: 'external-secrets' });
}

beforeAll(async () => {
  ensureGoClient();
  [server, k8s] = await Promise.all([startTestServer(), startKubernetesApi()]);
  unsealKey = readFileSync(join(server.dataDir, 'dev-unseal-share'), 'utf8').trim();
  await kubernetesMount();
  const stdout = await runGoClient({
    VAULT_ADDR: server.address,
    VAULT_TOKEN: server.rootToken,
    HUSH_AUDIT_FILE: join(server.dataDir, 'go-audit.log'),
    // the dev server's one unseal share: a quorum of one for sys/generate-root
    HUSH_UNSEAL_KEY: unsealKey,
    HUSH_K8S_JWT: serviceAccountJwt,
  });
  out = JSON.parse(stdout);
});
afterAll(async () => {
  await server?.close();
  await k8s?.close();
});

describe('github.com/hashicorp/vault/api against Hush', () => {
  it('makes every call without an error', () => {
    expect(out.errors).toEqual({});
  });

  it('reads health, seal status, audit devices and policies', () => {
    expect(out.health).toEqual({ initialized: true, sealed: false });
    expect(out.seal_status).toEqual({ sealed: false, type: 'shamir', t: 1, n: 1 });
    expect(out.audit_devices).toEqual(['go-file/']);
    expect(out.policy).toBe('path "secret/data/goapp/*" { capabilities = ["read"] }');
    expect(out.policies).toEqual(expect.arrayContaining(['default', 'go-read', 'root']));
  });

  it('drives KV v2 through the KVv2 helper, with the answers the library expects', () => {
    expect(out.kv_put_version).toBe(1);
    expect(out.kv_get).toEqual({ username: 'django', password: 'go-pw-1' });
    expect(out.kv_cas_version).toBe(2);
    expect(out.kv_cas_conflict_status).toBe(400);
    expect(out.kv_v1).toEqual({ username: 'django', password: 'go-pw-1' });
    expect([out.kv_patch_version, out.kv_patch_rw_version]).toEqual([3, 4]);
    expect(out.kv_patched).toEqual({ username: 'django', password: 'go-pw-2', port: '5432', host: 'db' });
    expect(out.kv_metadata).toEqual({
      current_version: 4,
      max_versions: 7,
      custom_metadata: { team: 'web' },
      delete_version_after_s: 3600,
      versions: 4,
    });
    expect(out.kv_deleted).toEqual({ data_nil: true, deletion_time_set: true });
    expect(out.kv_undeleted).toEqual(out.kv_patched);
    expect(out.kv_rollback_version).toBe(5);
    expect(out.kv_rolled_back).toEqual({ username: 'django', password: 'go-pw-1' });
    expect(out.kv_destroyed).toEqual({ data_nil: true, destroyed: true });
    expect(out.kv_versions).toEqual({ count: 5, destroyed: [1] });
    expect(out.kv_list).toEqual(['api', 'database']);
    expect(out.kv_gone_is_not_found).toBe(true);
  });

  it('mounts KV v2 and v1 engines and uses them', () => {
    expect(out.mount_team).toEqual({ type: 'kv', version: '2' });
    expect(out.mounts).toEqual(expect.arrayContaining(['go-team/', 'go-legacy/', 'secret/', 'sys/', 'cubbyhole/']));
    expect(out.team_get).toEqual({ a: 'b' });
    expect(out.v1_get).toEqual({ token: 'v1-value' });
  });

  it('creates, uses, renews and revokes a limited token', () => {
    expect(out.token_create).toEqual({ policies: ['default', 'go-read'], ttl_s: 3600, renewable: true });
    expect(out.limited_get).toBe('go-pw-final');
    expect(out.limited_put_status).toBe(403);
    expect(out.lookup_self).toEqual({ policies: ['default', 'go-read'], meta: { team: 'go' } });
    expect(out.renewed_ttl_s).toBe(7200);
    expect(out.revoked_lookup_status).toBe(403);
  });

  it('logs in with the approle package (plain and wrapped secret IDs), then the mount is revoked by prefix', () => {
    expect(out.auth_mounts).toEqual(['go-approle/', 'go-k8s/', 'token/']);
    expect(out.approle_login_policies).toEqual(['default', 'go-read']);
    expect(out.approle_get).toBe('go-pw-final');
    expect(out.approle_other_status).toBe(403);
    expect(out.wrap_ttl).toBe(120);
    expect(out.wrapped_login).toBe(true);
    expect(out.unwrap_twice_status).toBe(400);
    expect(out.after_revoke_status).toBe(403);
    expect(out.bad_login_status).toBe(400);
  });

  it('logs in with the userpass and kubernetes packages (as External Secrets Operator does)', () => {
    expect(out.userpass_login_policies).toEqual(['default', 'go-read']);
    expect(out.userpass_login_metadata).toEqual({ username: 'gopher' });
    expect(out.userpass_get).toBe('go-pw-final');
    expect(out.userpass_other_status).toBe(403);
    expect(out.kubernetes_login_policies).toEqual(['default', 'go-read']);
    expect(out.kubernetes_login_metadata).toMatchObject({ role: 'eso', service_account_name: 'external-secrets', service_account_namespace: 'external-secrets' });
    expect(out.kubernetes_get).toBe('go-pw-final');
    expect(out.kubernetes_other_status).toBe(403);
  });

  it('sees a missing secret as nil and a refused write as a ResponseError with errors', () => {
    expect(out.missing_read).toEqual({ nil: true, error: false });
    expect(out.bad_mount).toEqual({ status: 400, errors: true });
  });

  it('generates a root token as vault operator generate-root does (server OTP, update, -decode)', () => {
    expect(out.generate_root_otp_length).toBe(43);
    expect(out.generate_root_complete).toBe(true);
    expect(out.generate_root_policies).toEqual(['root']);
  });

  it('leaves no secret value in the audit file', () => {
    const audit = readFileSync(join(server.dataDir, 'go-audit.log'), 'utf8');
    expect(audit.split('\n').length).toBeGreaterThan(50);
    for (const value of ['go-pw-1', 'go-pw-2', 'go-pw-final', 'v1-value', 'go-user-pw', server.rootToken, unsealKey, serviceAccountJwt]) {
      expect(audit).not.toContain(value);
    }
  });
});
